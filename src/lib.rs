//! ccsim — contact-center scenario simulation.
pub mod analytic;
pub mod cli;
pub mod dist;
pub mod experiment;
pub mod facts;
pub mod model;
pub mod plan;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod stats;
pub mod time;
