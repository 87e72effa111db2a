//! Integration tests of the REST API: each test spawns the real app on a free port
//! with a fresh database and talks HTTP to it.

mod accounts;
mod chargers;
mod charges;
mod control;
mod data_safety;
mod demo;
mod durability;
mod errors;
mod habits;
mod helpers;
mod history;
mod live;
mod notifications;
mod oidc;
mod openapi;
mod password_recovery;
mod permissions;
mod plans;
mod prices;
mod profile;
mod schedule;
mod security;
mod sharing;
mod statistics;
mod support;
mod tariffs;
mod trydan_link;
mod web;
