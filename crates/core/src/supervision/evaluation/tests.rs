//! Tests of case-file evaluation (V-01).
