//! One charge point's connection: reads its frames, answers its calls through a
//! [`ChargePoint`], and makes the server's calls to it one at a time (OCPP-J 1.6, §4.1.1:
//! no new CALL before the previous one is answered or has timed out), correlating each
//! answer by its message id. Each connection runs in a task of its own, so one charger's
//! slowness never holds up another's.
//!
//! The transport is any stream of text frames and sink for them, so the connection is
//! tested without a socket; the WebSocket endpoint feeds it from axum.

use std::collections::VecDeque;
use std::future::Future;
use std::time::Duration;

use futures_util::{Sink, SinkExt as _, Stream, StreamExt as _};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use super::frame::{self, ErrorCode, Frame, Refusal};
use super::messages::{Command, Incoming};
use super::schema;

/// How long the server waits for the answer to one of its calls.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// What answers a charge point's calls: the layer above (the charger link), which knows
/// accounts, cards and the database.
pub trait ChargePoint: Send + 'static {
    /// The CALLRESULT payload for `incoming`, or the CALLERROR to send instead.
    fn answer(
        &mut self,
        incoming: Incoming,
    ) -> impl Future<Output = Result<Value, (ErrorCode, String)>> + Send;
}

/// Why a call to the charge point did not succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallFailure {
    #[error("the charger did not answer in time")]
    Timeout,
    #[error("the charger is not connected")]
    Disconnected,
    /// The charger answered with a CALLERROR.
    #[error("the charger refused: {code} ({description})")]
    Refused { code: String, description: String },
    /// The charger's answer does not follow the action's schema.
    #[error("the charger answered something unreadable: {0}")]
    BadAnswer(String),
}

/// A call waiting to be made, and where its answer goes.
pub struct Request {
    pub command: Command,
    pub reply: oneshot::Sender<Result<Value, CallFailure>>,
}

/// The handle the rest of the server keeps to call a connected charge point.
#[derive(Clone)]
pub struct Caller(mpsc::Sender<Request>);

impl Caller {
    /// Makes `command`'s call and waits for its answer (at most [`CALL_TIMEOUT`] once sent).
    pub async fn call(&self, command: Command) -> Result<Value, CallFailure> {
        let (reply, answer) = oneshot::channel();
        self.0.send(Request { command, reply }).await.map_err(|_| CallFailure::Disconnected)?;
        answer.await.map_err(|_| CallFailure::Disconnected)?
    }

    /// Queues `command`'s call at once, without waiting (so that calls queued one after the
    /// other under a lock are sent in that order); the answer comes through the receiver.
    pub fn enqueue(&self, command: Command) -> Result<Pending, CallFailure> {
        let (reply, answer) = oneshot::channel();
        self.0.try_send(Request { command, reply }).map_err(|_| CallFailure::Disconnected)?;
        Ok(Pending(answer))
    }
}

/// The answer of a call queued with [`Caller::enqueue`].
pub struct Pending(oneshot::Receiver<Result<Value, CallFailure>>);

impl Pending {
    pub async fn answer(self) -> Result<Value, CallFailure> {
        self.0.await.map_err(|_| CallFailure::Disconnected)?
    }
}

/// A caller and the queue it feeds, for [`run`].
pub fn caller() -> (Caller, mpsc::Receiver<Request>) {
    let (sender, receiver) = mpsc::channel(32);
    (Caller(sender), receiver)
}

/// Serves one connection until the charge point goes away, says nothing for `idle` (a charge
/// point sends at least a heartbeat per interval), or its sink fails. Calls still waiting then
/// fail with [`CallFailure::Disconnected`].
pub async fn run<T, E>(
    transport: T,
    mut charge_point: impl ChargePoint,
    mut requests: mpsc::Receiver<Request>,
    timeout: Duration,
    idle: Duration,
) where
    T: Stream<Item = Result<String, E>> + Sink<String> + Unpin,
{
    let (mut sink, mut stream) = transport.split();
    let mut queue: VecDeque<Request> = VecDeque::new();
    let mut in_flight: Option<InFlight> = None;
    let mut next_id: u64 = 0;
    let mut requests_open = true;
    let mut heard = tokio::time::Instant::now();
    loop {
        // Send the next call when none is in flight.
        if in_flight.is_none()
            && let Some(request) = queue.pop_front()
        {
            next_id += 1;
            let id = format!("cp-{next_id}");
            let (action, payload) = request.command.to_call();
            if sink.send(frame::call(&id, action, &payload)).await.is_err() {
                let _ = request.reply.send(Err(CallFailure::Disconnected));
                break;
            }
            in_flight = Some((id, action, request.reply, tokio::time::Instant::now() + timeout));
        }
        let deadline = in_flight.as_ref().map(|f| f.3);
        tokio::select! {
            () = tokio::time::sleep_until(heard + idle) => break,
            text = stream.next() => {
                let Some(Ok(text)) = text else { break };
                heard = tokio::time::Instant::now();
                let reply = match frame::parse(&text) {
                    Err(refusal) => Some(refusal.to_text()),
                    Ok(Frame::Call { id, action, payload }) => Some(answer(&mut charge_point, &id, &action, &payload).await),
                    Ok(Frame::CallResult { id, payload }) => {
                        if let Some((_, action, reply, _)) = in_flight.take_if(|f| f.0 == id) {
                            let checked = schema::check_response(action, &payload).map(|()| payload);
                            let _ = reply.send(checked.map_err(CallFailure::BadAnswer));
                        }
                        // An answer to nothing we asked (late, after a timeout) is dropped.
                        None
                    }
                    Ok(Frame::CallError { id, code, description, .. }) => {
                        if let Some((_, _, reply, _)) = in_flight.take_if(|f| f.0 == id) {
                            let _ = reply.send(Err(CallFailure::Refused { code, description }));
                        }
                        None
                    }
                };
                if let Some(reply) = reply
                    && sink.send(reply).await.is_err()
                {
                    break;
                }
            }
            request = requests.recv(), if requests_open => match request {
                Some(request) => queue.push_back(request),
                None => requests_open = false,
            },
            () = sleep_until(deadline) => {
                if let Some((_, _, reply, _)) = in_flight.take() {
                    let _ = reply.send(Err(CallFailure::Timeout));
                }
            }
        }
    }
    if let Some((_, _, reply, _)) = in_flight.take() {
        let _ = reply.send(Err(CallFailure::Disconnected));
    }
    for request in queue {
        let _ = request.reply.send(Err(CallFailure::Disconnected));
    }
}

/// The call waiting for its answer: its id, action, reply and deadline.
type InFlight = (String, &'static str, oneshot::Sender<Result<Value, CallFailure>>, tokio::time::Instant);

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// The CALLRESULT or CALLERROR answering a charge point's CALL.
async fn answer(charge_point: &mut impl ChargePoint, id: &str, action: &str, payload: &Value) -> String {
    if let Err(refusal) = schema::check_request(id, action, payload) {
        return refusal.to_text();
    }
    let Some(incoming) = Incoming::read(action, payload) else {
        return Refusal::new(
            Some(id),
            ErrorCode::NotSupported,
            format!("{action} is not taken from a charge point"),
        )
        .to_text();
    };
    match charge_point.answer(incoming).await {
        Ok(result) => frame::call_result(id, &result),
        Err((code, description)) => frame::call_error(id, code, &description),
    }
}

#[cfg(test)]
mod tests {
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use serde_json::json;

    use super::*;

    /// Answers Heartbeat with a fixed time and refuses nothing; counts the calls it saw.
    struct Fake {
        seen: mpsc::UnboundedSender<Incoming>,
    }

    impl ChargePoint for Fake {
        async fn answer(&mut self, incoming: Incoming) -> Result<Value, (ErrorCode, String)> {
            let _ = self.seen.send(incoming.clone());
            match incoming {
                Incoming::Heartbeat => Ok(json!({"currentTime": "2026-12-03T10:00:00Z"})),
                Incoming::DataTransfer { .. } => Err((ErrorCode::NotSupported, "no vendor data".into())),
                _ => Ok(json!({})),
            }
        }
    }

    /// The charge point's end: frames it sends in, frames the server wrote out.
    struct Wire {
        from_charger: mpsc::UnboundedReceiver<String>,
        to_charger: mpsc::UnboundedSender<String>,
    }

    impl Stream for Wire {
        type Item = Result<String, ()>;
        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            self.from_charger.poll_recv(cx).map(|m| m.map(Ok))
        }
    }

    impl Sink<String> for Wire {
        type Error = ();
        fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), ()>> {
            Poll::Ready(Ok(()))
        }
        fn start_send(self: Pin<&mut Self>, item: String) -> Result<(), ()> {
            self.to_charger.send(item).map_err(|_| ())
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), ()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), ()>> {
            Poll::Ready(Ok(()))
        }
    }

    struct Harness {
        send: mpsc::UnboundedSender<String>,
        written: mpsc::UnboundedReceiver<String>,
        seen: mpsc::UnboundedReceiver<Incoming>,
        caller: Caller,
    }

    fn start(timeout: Duration) -> Harness {
        let (send, from_charger) = mpsc::unbounded_channel();
        let (to_charger, written) = mpsc::unbounded_channel();
        let (seen_tx, seen) = mpsc::unbounded_channel();
        let (caller, requests) = caller();
        tokio::spawn(run(
            Wire { from_charger, to_charger },
            Fake { seen: seen_tx },
            requests,
            timeout,
            Duration::from_secs(3600),
        ));
        Harness { send, written, seen, caller }
    }

    async fn next(written: &mut mpsc::UnboundedReceiver<String>) -> Value {
        let text = tokio::time::timeout(Duration::from_secs(2), written.recv()).await.unwrap().unwrap();
        serde_json::from_str(&text).unwrap()
    }

    #[tokio::test]
    async fn calls_are_answered_and_bad_ones_refused_without_ending_the_connection() {
        let mut h = start(CALL_TIMEOUT);
        h.send.send(r#"[2,"1","Heartbeat",{}]"#.into()).unwrap();
        assert_eq!(next(&mut h.written).await, json!([3, "1", {"currentTime": "2026-12-03T10:00:00Z"}]));
        assert_eq!(h.seen.recv().await, Some(Incoming::Heartbeat));

        for (text, code) in [
            ("garbage", "FormationViolation"),
            (r#"[2,"2","Teleport",{}]"#, "NotImplemented"),
            (r#"[2,"3","BootNotification",{"chargePointVendor":"V2C"}]"#, "ProtocolError"),
            (
                r#"[2,"4","ReserveNow",{"connectorId":1,"expiryDate":"2026-12-03T10:00:00Z","idTag":"A","reservationId":1}]"#,
                "NotSupported",
            ),
            (r#"[2,"5","DataTransfer",{"vendorId":"x"}]"#, "NotSupported"),
        ] {
            h.send.send(text.into()).unwrap();
            let answer = next(&mut h.written).await;
            assert_eq!(answer[0], 4, "{text}");
            assert_eq!(answer[2], code, "{text}");
        }
        // Still serving.
        h.send.send(r#"[2,"6","Heartbeat",{}]"#.into()).unwrap();
        assert_eq!(next(&mut h.written).await[0], 3);
    }

    #[tokio::test]
    async fn the_servers_calls_go_one_at_a_time_and_are_matched_by_id() {
        let mut h = start(CALL_TIMEOUT);
        let lock = tokio::spawn({
            let caller = h.caller.clone();
            async move { caller.call(Command::ChangeAvailability { connector_id: 0, operative: false }).await }
        });
        let reset = tokio::spawn({
            let caller = h.caller.clone();
            async move { caller.call(Command::Reset { hard: false }).await }
        });
        let first = next(&mut h.written).await;
        assert_eq!(first[0], 2);
        // The second call waits for the first's answer.
        assert!(tokio::time::timeout(Duration::from_millis(200), h.written.recv()).await.is_err());
        // A charger's own call is still answered meanwhile.
        h.send.send(r#"[2,"hb","Heartbeat",{}]"#.into()).unwrap();
        assert_eq!(next(&mut h.written).await[1], "hb");
        // An answer with another id is not the first call's.
        h.send.send(r#"[3,"nope",{"status":"Accepted"}]"#.into()).unwrap();
        let first_id = first[1].as_str().unwrap();
        h.send.send(format!(r#"[3,"{first_id}",{{"status":"Accepted"}}]"#)).unwrap();
        let second = next(&mut h.written).await;
        h.send
            .send(format!(r#"[4,"{}","NotSupported","no soft reset",{{}}]"#, second[1].as_str().unwrap()))
            .unwrap();

        let (lock, reset) = (lock.await.unwrap(), reset.await.unwrap());
        let actions: Vec<&str> = [&first, &second].iter().map(|f| f[2].as_str().unwrap()).collect();
        assert!(actions.contains(&"ChangeAvailability") && actions.contains(&"Reset"));
        let (lock, reset) = if first[2] == "Reset" { (reset, lock) } else { (lock, reset) };
        assert_eq!(lock, Ok(json!({"status": "Accepted"})));
        assert_eq!(
            reset,
            Err(CallFailure::Refused { code: "NotSupported".into(), description: "no soft reset".into() })
        );
    }

    #[tokio::test]
    async fn unanswered_calls_time_out_and_bad_answers_are_reported() {
        let mut h = start(Duration::from_millis(300));
        let call = tokio::spawn({
            let caller = h.caller.clone();
            async move { caller.call(Command::Reset { hard: true }).await }
        });
        let sent = next(&mut h.written).await;
        assert_eq!(call.await.unwrap(), Err(CallFailure::Timeout));
        // A late answer is ignored; the next call goes out.
        h.send.send(format!(r#"[3,"{}",{{"status":"Accepted"}}]"#, sent[1].as_str().unwrap())).unwrap();
        let call = tokio::spawn({
            let caller = h.caller.clone();
            async move { caller.call(Command::Reset { hard: true }).await }
        });
        let sent = next(&mut h.written).await;
        h.send.send(format!(r#"[3,"{}",{{"status":"Maybe"}}]"#, sent[1].as_str().unwrap())).unwrap();
        assert!(matches!(call.await.unwrap(), Err(CallFailure::BadAnswer(_))));
    }

    #[tokio::test]
    async fn calls_fail_at_once_when_the_charger_goes_away() {
        let h = start(CALL_TIMEOUT);
        let Harness { send, written, caller, .. } = h;
        drop(send);
        drop(written);
        let answer =
            tokio::time::timeout(Duration::from_secs(2), caller.call(Command::Reset { hard: true })).await;
        assert_eq!(answer.unwrap(), Err(CallFailure::Disconnected));
    }
}
