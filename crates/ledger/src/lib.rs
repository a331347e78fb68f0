//! zhifa-ledger: the tamper-evident ledger (rule X-01), pure and without I/O.
