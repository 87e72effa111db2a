//! OCPP 1.6J: the protocol real chargers speak to a charge-point management system
//! (JSON over WebSocket, subprotocol `ocpp1.6`). This layer knows the protocol only:
//! frames, the official schemas every incoming payload is checked against, and the
//! messages; it does not know accounts, HTTP handlers or the database.

pub mod connection;
pub mod frame;
pub mod messages;
pub mod schema;
