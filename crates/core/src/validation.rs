//! Rejections: what a command got wrong, field by field, in Chinese for the user.

use serde::Serialize;

/// One thing wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The form field or API property, e.g. `certificate.expires_on`.
    pub field: String,
    /// What is wrong and what to do, in Chinese.
    pub message: String,
}

/// A refused command: every problem found, not only the first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Rejection {
    pub errors: Vec<FieldError>,
}

impl Rejection {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn one(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut r = Self::new();
        r.add(field, message);
        r
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError { field: field.into(), message: message.into() });
    }

    /// Records a required text field left empty.
    pub fn require(&mut self, field: &str, label: &str, value: &str) {
        if value.trim().is_empty() {
            self.add(field, format!("请填写{label}"));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(())` when nothing was wrong.
    pub fn into_result(self) -> Result<(), Rejection> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<_> = self.errors.iter().map(|e| e.message.as_str()).collect();
        f.write_str(&parts.join("；"))
    }
}

impl std::error::Error for Rejection {}
