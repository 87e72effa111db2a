//! Background work that repeats until the server stops: the simulation's ticks, the plans'
//! follower, the connectivity check.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;

/// Spawns a task that runs `tick` every `every` until `stopping` turns true. A tick that
/// overruns makes the missed ones skipped, not bunched.
pub fn every<F, Fut>(every: Duration, mut stopping: watch::Receiver<bool>, mut tick: F)
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        // Awaited here so that the guard it returns is dropped at once (it is not `Send`).
        let stopped = async move {
            let _ = stopping.wait_for(|stopping| *stopping).await;
        };
        tokio::pin!(stopped);
        loop {
            tokio::select! {
                biased;
                () = &mut stopped => break,
                _ = interval.tick() => tick().await,
            }
        }
    });
}
