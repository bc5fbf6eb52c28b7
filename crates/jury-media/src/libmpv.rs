//! libmpv's client API, loaded at run time.
//!
//! Linking libmpv would make the dynamic loader refuse to start jury on a machine without it,
//! and judges must be able to score there. So the library is opened with `dlopen` on first
//! use (`JURY_LIBMPV` names a file to use instead of the usual names); when it is missing
//! every call returns [`MpvError::Library`] with a line saying how to install it, and the
//! player and probe report "playback unavailable" instead of jury not starting.
//!
//! Only the handful of calls the player and the probe need are bound. Structures follow
//! `mpv/client.h` of client API 1.108 and later (mpv 0.33+; Debian 12 ships 2.0).

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::fmt;
use std::ptr::NonNull;
use std::sync::{Mutex, OnceLock};

use libloading::Library;

/// Names tried in order when `JURY_LIBMPV` is not set.
#[cfg(all(unix, not(target_os = "macos")))]
const LIBRARY_NAMES: &[&str] = &["libmpv.so.2", "libmpv.so.1", "libmpv.so"];
#[cfg(target_os = "macos")]
const LIBRARY_NAMES: &[&str] = &["libmpv.2.dylib", "libmpv.dylib"];
#[cfg(windows)]
const LIBRARY_NAMES: &[&str] = &["libmpv-2.dll", "mpv-2.dll", "mpv-1.dll"];

/// An mpv error: one of mpv's error codes, or the library itself missing or unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MpvError {
    /// A negative `mpv_error` code.
    Raw(i32),
    /// mpv returned no handle or no data.
    Null,
    InvalidUtf8,
    /// libmpv could not be loaded, or is too old; the text says why and what to do.
    Library(String),
}

impl fmt::Display for MpvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MpvError::Raw(code) => f.write_str(match code {
                -1 => "event queue full",
                -2 => "out of memory",
                -3 => "not initialized",
                -4 => "invalid parameter",
                -5 => "option not found",
                -6 => "unsupported format for accessing option",
                -7 => "error setting option",
                -8 => "property not found",
                -9 => "unsupported format for accessing property",
                -10 => "property unavailable",
                -11 => "error accessing property",
                -12 => "error running command",
                -13 => "loading failed",
                -14 => "audio output initialization failed",
                -15 => "video output initialization failed",
                -16 => "no audio or video data played",
                -17 => "unrecognized file format",
                -18 => "not supported",
                -19 => "operation not implemented",
                -20 => "something happened",
                _ => "unknown error",
            }),
            MpvError::Null => f.write_str("mpv returned nothing"),
            MpvError::InvalidUtf8 => f.write_str("invalid UTF-8 from mpv"),
            MpvError::Library(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for MpvError {}

pub type Result<T> = std::result::Result<T, MpvError>;

/// `mpv_format` values jury uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    String = 1,
    Flag = 3,
    Int64 = 4,
    Double = 5,
}

/// Why a file stopped (`mpv_end_file_reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndFileReason {
    Eof,
    Stop,
    Quit,
    Error,
    Redirect,
    Other(i32),
}

impl EndFileReason {
    fn from_raw(reason: c_int) -> EndFileReason {
        match reason {
            0 => EndFileReason::Eof,
            2 => EndFileReason::Stop,
            3 => EndFileReason::Quit,
            4 => EndFileReason::Error,
            5 => EndFileReason::Redirect,
            other => EndFileReason::Other(other),
        }
    }
}

/// A changed property's new value.
#[derive(Debug, Clone, PartialEq)]
pub enum PropertyData {
    Double(f64),
    Flag(bool),
    Int64(i64),
    /// Unavailable, or a format jury does not observe.
    Other,
}

/// The events jury reacts to; the rest come as [`Event::Other`]. Owned: mpv frees an event
/// at the next wait.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Shutdown,
    StartFile,
    EndFile(EndFileReason),
    FileLoaded,
    PlaybackRestart,
    PropertyChange {
        name: String,
        change: PropertyData,
        reply_userdata: u64,
    },
    Other,
}

const EVENT_SHUTDOWN: c_int = 1;
const EVENT_START_FILE: c_int = 6;
const EVENT_END_FILE: c_int = 7;
const EVENT_FILE_LOADED: c_int = 8;
const EVENT_PLAYBACK_RESTART: c_int = 21;
const EVENT_PROPERTY_CHANGE: c_int = 22;

#[repr(C)]
struct RawEvent {
    event_id: c_int,
    error: c_int,
    reply_userdata: u64,
    data: *mut c_void,
}

#[repr(C)]
struct RawEventProperty {
    name: *const c_char,
    format: c_int,
    data: *mut c_void,
}

#[repr(C)]
struct RawEventEndFile {
    reason: c_int,
    error: c_int,
}

type Handle = *mut c_void;

/// The bound functions; the library stays loaded for the life of the process.
struct Api {
    create: unsafe extern "C" fn() -> Handle,
    initialize: unsafe extern "C" fn(Handle) -> c_int,
    terminate_destroy: unsafe extern "C" fn(Handle),
    set_option_string: unsafe extern "C" fn(Handle, *const c_char, *const c_char) -> c_int,
    command: unsafe extern "C" fn(Handle, *mut *const c_char) -> c_int,
    set_property: unsafe extern "C" fn(Handle, *const c_char, c_int, *mut c_void) -> c_int,
    get_property: unsafe extern "C" fn(Handle, *const c_char, c_int, *mut c_void) -> c_int,
    free: unsafe extern "C" fn(*mut c_void),
    observe_property: unsafe extern "C" fn(Handle, u64, *const c_char, c_int) -> c_int,
    wait_event: unsafe extern "C" fn(Handle, f64) -> *mut RawEvent,
    _library: Library,
}

fn load() -> std::result::Result<Api, String> {
    let names: Vec<String> = match std::env::var_os("JURY_LIBMPV") {
        Some(path) => vec![path.to_string_lossy().into_owned()],
        None => LIBRARY_NAMES.iter().map(|n| n.to_string()).collect(),
    };
    // SAFETY: loading libmpv runs its initialisers, which only set up its own state.
    let library = names
        .iter()
        .find_map(|name| unsafe { Library::new(name) }.ok())
        .ok_or_else(|| {
            format!(
                "libmpv not found (tried {}); install it, e.g. apt-get install libmpv2",
                names.join(", ")
            )
        })?;
    // SAFETY: each symbol is looked up by its C name and given the signature client.h
    // declares for it; the pointers stay valid because `library` is kept in the `Api`.
    unsafe {
        let version: libloading::Symbol<unsafe extern "C" fn() -> std::ffi::c_ulong> = library
            .get(b"mpv_client_api_version\0")
            .map_err(|e| format!("libmpv is not usable: {e}"))?;
        let version = version();
        let (major, minor) = (version >> 16, version & 0xffff);
        if !(major == 2 || (major == 1 && minor >= 108)) {
            return Err(format!(
                "libmpv client API {major}.{minor} found, 1.108 or later needed; update mpv"
            ));
        }
        macro_rules! bind {
            ($name:literal) => {
                *library
                    .get(concat!($name, "\0").as_bytes())
                    .map_err(|e| format!("libmpv is not usable: {}: {e}", $name))?
            };
        }
        Ok(Api {
            create: bind!("mpv_create"),
            initialize: bind!("mpv_initialize"),
            terminate_destroy: bind!("mpv_terminate_destroy"),
            set_option_string: bind!("mpv_set_option_string"),
            command: bind!("mpv_command"),
            set_property: bind!("mpv_set_property"),
            get_property: bind!("mpv_get_property"),
            free: bind!("mpv_free"),
            observe_property: bind!("mpv_observe_property"),
            wait_event: bind!("mpv_wait_event"),
            _library: library,
        })
    }
}

fn api() -> Result<&'static Api> {
    static API: OnceLock<std::result::Result<Api, String>> = OnceLock::new();
    API.get_or_init(load)
        .as_ref()
        .map_err(|why| MpvError::Library(why.clone()))
}

/// Whether libmpv can be loaded, and why not.
pub fn available() -> Result<()> {
    api().map(|_| ())
}

fn check(code: c_int) -> Result<()> {
    if code < 0 {
        Err(MpvError::Raw(code))
    } else {
        Ok(())
    }
}

fn c_string(text: &str) -> Result<CString> {
    // An interior NUL cannot reach mpv; it is an invalid parameter.
    CString::new(text).map_err(|_| MpvError::Raw(-4))
}

/// One mpv core. mpv's client API is thread-safe, so it is shared between the command and
/// event threads; only `wait_event` must not be called from two threads at once, and jury
/// calls it from one.
pub struct Mpv {
    api: &'static Api,
    handle: NonNull<c_void>,
    /// `mpv_wait_event` must not run on two threads at once.
    waiting: Mutex<()>,
}

// SAFETY: libmpv's client API may be called from any thread (client.h, "Thread safety").
unsafe impl Send for Mpv {}
// SAFETY: as above; the one call with a one-thread rule (`mpv_wait_event`) runs under
// `waiting`, and the event it returns is copied before the lock is released.
unsafe impl Sync for Mpv {}

impl Mpv {
    /// A new, initialised core with `options` (name, value as on mpv's command line) set
    /// first. On failure, the option mpv refused, if one was.
    pub fn with_options(
        options: &[(&str, String)],
    ) -> std::result::Result<Mpv, (Option<String>, MpvError)> {
        let api = api().map_err(|e| (None, e))?;
        // SAFETY: mpv_create has no preconditions; a null result is handled.
        let handle = NonNull::new(unsafe { (api.create)() }).ok_or((None, MpvError::Null))?;
        let mpv = Mpv {
            api,
            handle,
            waiting: Mutex::new(()),
        };
        for (name, value) in options {
            let failed = |e| (Some(format!("{name}={value}")), e);
            let (n, v) = (
                c_string(name).map_err(failed)?,
                c_string(value).map_err(failed)?,
            );
            // SAFETY: valid handle, NUL-terminated strings that outlive the call.
            check(unsafe { (api.set_option_string)(mpv.raw(), n.as_ptr(), v.as_ptr()) })
                .map_err(failed)?;
        }
        // SAFETY: valid handle, initialised once.
        check(unsafe { (api.initialize)(mpv.raw()) }).map_err(|e| (None, e))?;
        Ok(mpv)
    }

    fn raw(&self) -> Handle {
        self.handle.as_ptr()
    }

    /// Runs command `name` with `args` (mpv's `mpv_command`).
    pub fn command(&self, name: &str, args: &[&str]) -> Result<()> {
        let owned: Vec<CString> = std::iter::once(name)
            .chain(args.iter().copied())
            .map(c_string)
            .collect::<Result<_>>()?;
        let mut pointers: Vec<*const c_char> = owned.iter().map(|s| s.as_ptr()).collect();
        pointers.push(std::ptr::null());
        // SAFETY: a NULL-terminated array of NUL-terminated strings alive for the call.
        check(unsafe { (self.api.command)(self.raw(), pointers.as_mut_ptr()) })
    }

    pub fn set_property<T: PropertyValue>(&self, name: &str, value: T) -> Result<()> {
        let name = c_string(name)?;
        value.set(self, &name)
    }

    pub fn get_property<T: PropertyValue>(&self, name: &str) -> Result<T> {
        let name = c_string(name)?;
        T::get(self, &name)
    }

    /// Asks for [`Event::PropertyChange`] events for `name`, tagged with `id`.
    pub fn observe_property(&self, name: &str, format: Format, id: u64) -> Result<()> {
        let name = c_string(name)?;
        // SAFETY: valid handle and name; mpv copies the name.
        check(unsafe {
            (self.api.observe_property)(self.raw(), id, name.as_ptr(), format as c_int)
        })
    }

    /// The next event within `timeout` seconds, if any. Calls from several threads take
    /// turns.
    pub fn wait_event(&self, timeout: f64) -> Option<Result<Event>> {
        let _turn = self
            .waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // SAFETY: valid handle; mpv returns a pointer to an event it owns, valid until the
        // next wait_event on this handle, which `_turn` holds off until it is copied.
        let event = unsafe { (self.api.wait_event)(self.raw(), timeout).as_ref() }?;
        if event.event_id == 0 {
            return None;
        }
        if event.error < 0 {
            return Some(Err(MpvError::Raw(event.error)));
        }
        Some(Ok(match event.event_id {
            EVENT_SHUTDOWN => Event::Shutdown,
            EVENT_START_FILE => Event::StartFile,
            EVENT_FILE_LOADED => Event::FileLoaded,
            EVENT_PLAYBACK_RESTART => Event::PlaybackRestart,
            EVENT_END_FILE => {
                // SAFETY: END_FILE events carry an mpv_event_end_file.
                let Some(end) = (unsafe { (event.data as *const RawEventEndFile).as_ref() }) else {
                    return Some(Err(MpvError::Null));
                };
                if end.error < 0 {
                    return Some(Err(MpvError::Raw(end.error)));
                }
                Event::EndFile(EndFileReason::from_raw(end.reason))
            }
            EVENT_PROPERTY_CHANGE => {
                // SAFETY: PROPERTY_CHANGE events carry an mpv_event_property.
                let Some(property) = (unsafe { (event.data as *const RawEventProperty).as_ref() })
                else {
                    return Some(Err(MpvError::Null));
                };
                if property.name.is_null() {
                    return Some(Err(MpvError::Null));
                }
                // SAFETY: a NUL-terminated name owned by the event.
                let Ok(name) = (unsafe { CStr::from_ptr(property.name) }).to_str() else {
                    return Some(Err(MpvError::InvalidUtf8));
                };
                // SAFETY: `data` points to a value of `format` (or is null for NONE).
                let change = unsafe { property_data(property.format, property.data) };
                Event::PropertyChange {
                    name: name.to_string(),
                    change,
                    reply_userdata: event.reply_userdata,
                }
            }
            _ => Event::Other,
        }))
    }
}

/// Reads a property change's value.
///
/// # Safety
/// `data` must be null or point to a value of the C type `format` names.
unsafe fn property_data(format: c_int, data: *mut c_void) -> PropertyData {
    if data.is_null() {
        return PropertyData::Other;
    }
    match format {
        f if f == Format::Double as c_int => PropertyData::Double(*(data as *const f64)),
        f if f == Format::Flag as c_int => PropertyData::Flag(*(data as *const c_int) != 0),
        f if f == Format::Int64 as c_int => PropertyData::Int64(*(data as *const i64)),
        _ => PropertyData::Other,
    }
}

impl Drop for Mpv {
    fn drop(&mut self) {
        // SAFETY: the handle is valid and this is its last use.
        unsafe { (self.api.terminate_destroy)(self.raw()) }
    }
}

/// Rust types that map onto an `mpv_format` for getting and setting properties.
pub trait PropertyValue: Sized {
    fn get(mpv: &Mpv, name: &CStr) -> Result<Self>;
    fn set(self, mpv: &Mpv, name: &CStr) -> Result<()>;
}

/// The shape of `mpv_get_property` and `mpv_set_property`: both pass the value through a
/// pointer to a C value of the type the format names.
type PropertyFn = unsafe extern "C" fn(Handle, *const c_char, c_int, *mut c_void) -> c_int;

/// Gets or sets (`call` is the bound `get_property` or `set_property`) property `name`
/// through `value`.
///
/// # Safety
/// `C` must be the C type `format` names; what mpv writes into it (a string to free, for
/// `Format::String` gets) is the caller's.
unsafe fn property_call<C>(
    mpv: &Mpv,
    call: PropertyFn,
    name: &CStr,
    format: Format,
    value: &mut C,
) -> Result<()> {
    // SAFETY: the handle and `name` are valid for the call; the caller vouches for `C`.
    check(unsafe {
        call(
            mpv.raw(),
            name.as_ptr(),
            format as c_int,
            value as *mut C as *mut c_void,
        )
    })
}

/// A plain-data property (`Flag`, `Int64`, `Double`) through a C value of type `C`.
fn get_plain<C: Default>(mpv: &Mpv, name: &CStr, format: Format) -> Result<C> {
    let mut value = C::default();
    // SAFETY: `value` has the C type `format` names and outlives the call.
    unsafe { property_call(mpv, mpv.api.get_property, name, format, &mut value) }?;
    Ok(value)
}

fn set_plain<C>(mpv: &Mpv, name: &CStr, format: Format, mut value: C) -> Result<()> {
    // SAFETY: as in `get_plain`; mpv copies the value.
    unsafe { property_call(mpv, mpv.api.set_property, name, format, &mut value) }
}

/// Numbers pass through as their C type.
macro_rules! plain_property {
    ($type:ty, $format:expr) => {
        impl PropertyValue for $type {
            fn get(mpv: &Mpv, name: &CStr) -> Result<$type> {
                get_plain(mpv, name, $format)
            }
            fn set(self, mpv: &Mpv, name: &CStr) -> Result<()> {
                set_plain(mpv, name, $format, self)
            }
        }
    };
}

plain_property!(f64, Format::Double);
plain_property!(i64, Format::Int64);

impl PropertyValue for bool {
    fn get(mpv: &Mpv, name: &CStr) -> Result<bool> {
        get_plain::<c_int>(mpv, name, Format::Flag).map(|v| v != 0)
    }
    fn set(self, mpv: &Mpv, name: &CStr) -> Result<()> {
        set_plain(mpv, name, Format::Flag, c_int::from(self))
    }
}

impl PropertyValue for String {
    fn get(mpv: &Mpv, name: &CStr) -> Result<String> {
        let mut raw: *mut c_char = std::ptr::null_mut();
        // SAFETY: MPV_FORMAT_STRING writes a `char *` that the caller must mpv_free.
        unsafe { property_call(mpv, mpv.api.get_property, name, Format::String, &mut raw) }?;
        if raw.is_null() {
            return Err(MpvError::Null);
        }
        // SAFETY: mpv returned a NUL-terminated string that the caller must mpv_free.
        let text = unsafe { CStr::from_ptr(raw) }
            .to_str()
            .map(str::to_string)
            .map_err(|_| MpvError::InvalidUtf8);
        // SAFETY: freed once, with mpv's allocator.
        unsafe { (mpv.api.free)(raw as *mut c_void) };
        text
    }
    fn set(self, mpv: &Mpv, name: &CStr) -> Result<()> {
        let text = c_string(&self)?;
        set_plain(mpv, name, Format::String, text.as_ptr())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_like_mpvs_own() {
        assert_eq!(MpvError::Raw(-13).to_string(), "loading failed");
        assert_eq!(MpvError::Raw(-99).to_string(), "unknown error");
        assert_eq!(EndFileReason::from_raw(4), EndFileReason::Error);
        assert_eq!(EndFileReason::from_raw(9), EndFileReason::Other(9));
    }

    #[test]
    fn a_core_sets_and_reads_properties_of_each_format() {
        // Real libmpv, headless.
        crate::player::backend::ensure_c_numeric();
        let mpv = Mpv::with_options(&[
            ("vo", "null".into()),
            ("ao", "null".into()),
            ("idle", "yes".into()),
            ("config", "no".into()),
        ])
        .unwrap_or_else(|(option, e)| panic!("{option:?}: {e}"));
        mpv.set_property("speed", 1.5).unwrap();
        assert_eq!(mpv.get_property::<f64>("speed").unwrap(), 1.5);
        mpv.set_property("pause", true).unwrap();
        assert!(mpv.get_property::<bool>("pause").unwrap());
        mpv.set_property("volume", 40.0).unwrap();
        assert_eq!(mpv.get_property::<f64>("volume").unwrap(), 40.0);
        mpv.set_property("title", "稻田里的守望者 <1>".to_string())
            .unwrap();
        assert_eq!(
            mpv.get_property::<String>("title").unwrap(),
            "稻田里的守望者 <1>"
        );
        assert_eq!(mpv.get_property::<i64>("playlist-count").unwrap(), 0);
        assert_eq!(
            mpv.get_property::<f64>("no-such-property"),
            Err(MpvError::Raw(-8))
        );
        assert!(matches!(
            mpv.command("no-such-command", &[]),
            Err(MpvError::Raw(_))
        ));
        assert_eq!(mpv.command("stop", &["a\0b"]), Err(MpvError::Raw(-4)));
    }

    #[test]
    fn a_refused_option_is_named() {
        crate::player::backend::ensure_c_numeric();
        let Err((option, _)) = Mpv::with_options(&[("no-such-option", "1".into())]) else {
            panic!("mpv accepted an unknown option");
        };
        assert_eq!(option.as_deref(), Some("no-such-option=1"));
    }
}
