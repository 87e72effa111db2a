//! Integration tests of the REST API: each test spawns the real app on a free port
//! with a fresh database and talks HTTP to it.

mod accounts;
mod errors;
mod helpers;
mod password_recovery;
mod profile;
mod web;
