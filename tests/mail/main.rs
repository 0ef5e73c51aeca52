//! Mail: reading messages, the message analysis, the gateway verdict, hostile input through the gateway, and the milter (the service, the installed binary and a real Postfix end to end).

#[path = "../common/mod.rs"]
mod common;

mod gateway_decide;
mod hostile_corpus;
mod mail_analysis;
mod mail_corpus;
mod mail_fixtures;
mod mail_golden;
mod mail_hostile;
mod mail_office;
mod mail_proptest;
#[cfg(feature = "milter")]
mod milter_binary;
#[cfg(feature = "milter")]
mod milter_postfix;
#[cfg(feature = "milter")]
mod milter_service;
