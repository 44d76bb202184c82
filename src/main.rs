fn main() -> std::process::ExitCode {
    ritme::cli::main()
}
