// jemalloc instead of the C library's allocator: a build makes and frees
// millions of small strings and vectors from both cores, where glibc's
// malloc spent about a fifth of a data-heavy build's CPU (malloc, free,
// consolidation and page faults). Not on musl or Windows, where the
// system's allocator stays.
#[cfg(all(unix, not(target_env = "musl")))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    ritme::cli::main()
}
