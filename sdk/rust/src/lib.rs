//! The Assay validator ABI v1 for Rust (docs/abi.md; names in runtime/abi).
//!
//! A validator program is a `cdylib` for `wasm32-unknown-unknown` that
//! exports `validate`: write it with [`validator!`]:
//!
//! ```ignore
//! fn check(input: &[u8], params: &[u8], round: assay::Round) -> Result<Vec<u8>, String> {
//!     if input.is_empty() { return Err("empty input".into()); }
//!     Ok(input.to_vec())
//! }
//! assay::validator!(check);
//! ```
//!
//! `Ok(bytes)` ACCEPTS with those bytes as the output; `Err(reason)`
//! REJECTS with the reason. A panic traps (FAILED `trap:unreachable`).
//! [`json`] parses like the Go SDK's `sdk/jcs` (same errors) and writes
//! RFC 8785; [`dec`] is `sdk/dec`; [`params`] decodes params as the Go
//! SDK's `DecodeParams` does (encoding/json's errors and rules). Only std; no crates from outside.

pub mod dec;
mod isprint;
pub mod json;
pub mod params;


mod sys {
    #[link(wasm_import_module = "assay")]
    extern "C" {
        pub fn input_len() -> i32;
        pub fn input_read(dst: *mut u8, offset: i32, len: i32) -> i32;
        pub fn params_len() -> i32;
        pub fn params_read(dst: *mut u8, offset: i32, len: i32) -> i32;
        pub fn round_height() -> i64;
        pub fn round_time() -> i64;
        pub fn output_write(src: *const u8, len: i32);
        pub fn reject(msg: *const u8, len: i32);
        pub fn log(msg: *const u8, len: i32);
    }
}

/// The round a job runs in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// The round's block height.
    pub height: i64,
    /// The round's block time in unix nanoseconds.
    pub time_nanos: i64,
}

impl Round {
    /// The round's time in whole unix seconds, rounded down.
    pub fn unix(&self) -> i64 {
        self.time_nanos.div_euclid(1_000_000_000)
    }
}

/// The current round.
pub fn round() -> Round {
    unsafe { Round { height: sys::round_height(), time_nanos: sys::round_time() } }
}

/// Length of the fetched input in bytes.
pub fn input_len() -> usize {
    unsafe { sys::input_len() as u32 as usize }
}

/// Length of the source's params in bytes.
pub fn params_len() -> usize {
    unsafe { sys::params_len() as u32 as usize }
}

fn read_all(len: usize, read: unsafe extern "C" fn(*mut u8, i32, i32) -> i32) -> Vec<u8> {
    let mut buf = Vec::with_capacity(len);
    unsafe {
        let n = read(buf.as_mut_ptr(), 0, len as i32);
        buf.set_len(n.max(0) as usize);
    }
    buf
}

/// The whole input (one host call). Check [`input_len`] first to reject a
/// huge input before copying it.
pub fn input() -> Vec<u8> {
    read_all(input_len(), sys::input_read)
}

/// The whole params.
pub fn params() -> Vec<u8> {
    read_all(params_len(), sys::params_read)
}

/// Appends bytes to the output.
pub fn output(b: &[u8]) {
    unsafe { sys::output_write(b.as_ptr(), b.len() as i32) }
}

/// Ends the job now with REJECTED and this reason.
pub fn reject(reason: &str) -> ! {
    unsafe { sys::reject(reason.as_ptr(), reason.len() as i32) };
    core::arch::wasm32::unreachable()
}

/// Debug text for the job's log (capped; never part of a verdict).
pub fn log(msg: &str) {
    unsafe { sys::log(msg.as_ptr(), msg.len() as i32) }
}

/// Runs f on the input, params and round: Ok writes the output (ACCEPTED),
/// Err rejects with the reason. [`validator!`] calls it from `validate`.
pub fn run(f: fn(&[u8], &[u8], Round) -> Result<Vec<u8>, String>) {
    let (input, params) = (input(), params());
    match f(&input, &params, round()) {
        Ok(out) => output(&out),
        Err(reason) => reject(&reason),
    }
}

/// Exports `validate` running the named
/// `fn(&[u8], &[u8], Round) -> Result<Vec<u8>, String>`, with [`Bump`] as
/// the allocator (build with `panic = "abort"`: a panic traps).
#[macro_export]
macro_rules! validator {
    ($f:ident) => {
        mod __assay_export {
            #[no_mangle]
            pub extern "C" fn validate() {
                $crate::run(super::$f)
            }
            #[global_allocator]
            static ALLOC: $crate::Bump = $crate::Bump;
        }
    };
}

/// A bump allocator over the module's memory: a job is short-lived and the
/// instance is thrown away, so nothing is ever freed. It grows memory by
/// whole pages (gas: docs/abi.md) and fails (trap) at the job's limit.
pub struct Bump;

static mut BUMP_NEXT: usize = 0;
static mut BUMP_END: usize = 0;

unsafe impl core::alloc::GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: core::alloc::Layout) -> *mut u8 {
        let align = layout.align();
        if BUMP_NEXT == 0 {
            extern "C" {
                static __heap_base: u8;
            }
            BUMP_NEXT = &__heap_base as *const u8 as usize;
            BUMP_END = core::arch::wasm32::memory_size(0) * 65536;
        }
        let start = (BUMP_NEXT + align - 1) & !(align - 1);
        let end = match start.checked_add(layout.size()) {
            Some(e) => e,
            None => return core::ptr::null_mut(),
        };
        if end > BUMP_END {
            let pages = (end - BUMP_END + 65535) / 65536;
            if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
                return core::ptr::null_mut();
            }
            BUMP_END += pages * 65536;
        }
        BUMP_NEXT = end;
        start as *mut u8
    }
    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: core::alloc::Layout) {}
    unsafe fn realloc(&self, ptr: *mut u8, layout: core::alloc::Layout, new_size: usize) -> *mut u8 {
        // Grow in place when ptr is the last allocation.
        if ptr as usize + layout.size() == BUMP_NEXT && new_size >= layout.size() {
            let end = ptr as usize + new_size;
            if end > BUMP_END {
                let pages = (end - BUMP_END + 65535) / 65536;
                if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
                    return core::ptr::null_mut();
                }
                BUMP_END += pages * 65536;
            }
            BUMP_NEXT = end;
            return ptr;
        }
        let new = self.alloc(core::alloc::Layout::from_size_align_unchecked(new_size, layout.align()));
        if !new.is_null() {
            core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
        }
        new
    }
}
