//! The error message slot a caller hands to an entry point, and the function that frees it.

use std::ptr;

/// A caller-owned slot that an entry point fills with a UTF-8 error message when it returns a
/// status other than `SEAM_STATUS_OK`.
///
/// The caller zero-initialises the slot, reads `message_len` bytes at `message` after the call,
/// and releases them with [`seam_free_error`]. The bytes are not NUL-terminated. The caller
/// must not change either field: only Seam writes them, and only Seam frees what they point
/// to. A slot that still holds a message when it is filled again has the old one freed first.
#[repr(C)]
#[derive(Debug)]
pub struct SeamError {
    message: *mut u8,
    message_len: usize,
}

impl SeamError {
    /// An empty slot, the state a caller passes in.
    pub const fn empty() -> Self {
        SeamError {
            message: ptr::null_mut(),
            message_len: 0,
        }
    }

    /// The message held by the slot, if any.
    pub fn message(&self) -> Option<&str> {
        if self.message.is_null() {
            return None;
        }
        // SAFETY: a non-null `message` was written only by `set`, from a `Box<[u8]>` of
        // exactly `message_len` bytes copied from a `&str`, and it stays allocated until
        // `clear` takes it back, which also nulls the pointer.
        let bytes = unsafe { std::slice::from_raw_parts(self.message, self.message_len) };
        std::str::from_utf8(bytes).ok()
    }

    /// Stores a copy of `message`, freeing any message the slot already held.
    pub(crate) fn set(&mut self, message: &str) {
        self.clear();
        let boxed: Box<[u8]> = Box::from(message.as_bytes());
        self.message_len = boxed.len();
        self.message = Box::into_raw(boxed).cast::<u8>();
    }

    /// Frees the held message, if any, and leaves the slot empty.
    fn clear(&mut self) {
        if self.message.is_null() {
            return;
        }
        let raw = ptr::slice_from_raw_parts_mut(self.message, self.message_len);
        // SAFETY: `message`/`message_len` come from `Box::into_raw` in `set` (the fields are
        // private and the C contract forbids writing them), and nulling the pointer below
        // makes a second `clear` a no-op rather than a double free.
        drop(unsafe { Box::from_raw(raw) });
        self.message = ptr::null_mut();
        self.message_len = 0;
    }
}

impl Default for SeamError {
    fn default() -> Self {
        SeamError::empty()
    }
}

impl Drop for SeamError {
    fn drop(&mut self) {
        self.clear();
    }
}

/// Frees the message in `error` and leaves the slot empty. Null and empty slots are
/// accepted, so calling it after every entry point is always correct.
#[no_mangle]
pub extern "C" fn seam_free_error(error: Option<&mut SeamError>) {
    if let Some(slot) = error {
        slot.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::{seam_free_error, SeamError};

    #[test]
    fn set_then_free_leaves_an_empty_slot() {
        let mut slot = SeamError::empty();
        assert_eq!(slot.message(), None);
        slot.set("first");
        slot.set("second: ü");
        assert_eq!(slot.message(), Some("second: ü"));
        seam_free_error(Some(&mut slot));
        assert_eq!(slot.message(), None);
        seam_free_error(Some(&mut slot));
        seam_free_error(None);
    }
}
