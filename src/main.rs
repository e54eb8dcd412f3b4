//! bfdd-rs: command line, start-up and signals. SKELETON: being written.

fn main() {
    println!("bfdd-rs: not yet");
}
