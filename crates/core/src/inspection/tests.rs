//! Tests of the random inspections (S-01…S-05).
