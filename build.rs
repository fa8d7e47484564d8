// The locales are embedded at compile time; rebuild when a translator edits one.
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
