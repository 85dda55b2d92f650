//! Empty: only its license matters.
