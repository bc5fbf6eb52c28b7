//! Rebuilds the app when a locale file changes: rust-i18n reads locales/*.yml at compile time
//! but does not tell cargo so.
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
