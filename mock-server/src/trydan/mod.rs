//! V2C Trydan's local HTTP API: its wire format ([`api`]), the simulator serving it for each
//! simulated Trydan ([`local`]), and the backend's client for a charger at an address ([`client`]).

pub mod api;
pub mod client;
pub mod local;
