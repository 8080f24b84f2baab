//! Runs the three workloads in one process, each implementation in turn
//! (alternating, so drift and noise fall on all alike), checks that they all
//! computed the same thing, and prints one table of medians and ratios to
//! the hand-written code.
//!
//! `cargo run --release --bin bench` (add `--json` for JSON).

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::hint::black_box;
use std::io::{self, Write as _};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use benchmarks::modes::{self, Mode};
use benchmarks::{batch, blog, chain, mlp};
use clap::Parser;

/// Counts live heap bytes and their peak, to measure memory per node.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counters are atomics, which do not allocate.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract, which we pass on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let live = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
        PEAK.fetch_max(live, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most heap `f` holds at once beyond what was live before it, run on a
/// fresh thread so that no buffers kept from earlier runs hide its cost.
fn peak_bytes<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> usize {
    std::thread::spawn(move || {
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        black_box(f());
        PEAK.load(Ordering::Relaxed) - base
    })
    .join()
    .expect("the measured run completes")
}

/// Benchmarks the engine against hand-written f64 code and the `reverse`
/// and `echidna` crates on three workloads.
#[derive(Parser, Debug)]
#[command(about, long_about = None)]
struct Cli {
    /// Rounds per workload (each round runs every implementation once),
    /// from 1 to 10000; the MLP workload runs 8 times as many.
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u16).range(1..=10_000))]
    rounds: u16,
    /// Print the results as one JSON object.
    #[arg(long)]
    json: bool,
    /// Run only these workloads, separated by commas; all by default.
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Workload>,
    /// Instead of the table: record a chain of this many nodes (2 to
    /// 1000000000), run its backward, check it against the closed form, and
    /// report time and the process's peak resident memory.
    #[arg(long, value_name = "NODES", value_parser = clap::value_parser!(u32).range(2..=1_000_000_000))]
    huge_chain: Option<u32>,
}

/// The three workloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Workload {
    /// W1: the blog's network, 10,000 SGD steps.
    Blog,
    /// W2: a 2-16-16-1 MLP on 100 points, forward and backward.
    Mlp,
    /// W3: a chain of 10^6 steps.
    Chain,
    /// One batch gradient over 10,000 points, on one thread and on every
    /// core.
    Batch,
    /// The modes: Jacobians both ways, Hessian-vector products both ways
    /// (a table of its own, not in the default run).
    Modes,
}

/// One implementation of a workload: its name and a run that returns what
/// it computed.
struct Contender<'a, R> {
    name: &'static str,
    run: Box<dyn FnMut() -> R + 'a>,
    seconds: Vec<f64>,
    last: Option<R>,
}

fn contender<'a, R>(name: &'static str, run: impl FnMut() -> R + 'a) -> Contender<'a, R> {
    Contender {
        name,
        run: Box::new(run),
        seconds: Vec::new(),
        last: None,
    }
}

/// Runs every contender once per round, in turn; keeps each one's times.
fn race<R>(contenders: &mut [Contender<'_, R>], rounds: usize) {
    // One untimed warm-up each: caches, page faults, lazily grown buffers.
    for c in contenders.iter_mut() {
        c.last = Some((c.run)());
    }
    for _ in 0..rounds {
        for c in contenders.iter_mut() {
            let start = Instant::now();
            let out = black_box((c.run)());
            c.seconds.push(start.elapsed().as_secs_f64());
            c.last = Some(out);
        }
    }
}

fn median(seconds: &[f64]) -> f64 {
    let mut sorted = seconds.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// One row of the table.
struct Row {
    name: &'static str,
    times: Vec<(&'static str, f64)>,
    nodes: usize,
    bytes_per_node: f64,
    /// The compiled program's instructions and bytes per instruction.
    instructions: usize,
    bytes_per_instruction: f64,
}

impl Row {
    fn time(&self, who: &str) -> f64 {
        self.times
            .iter()
            .find(|(name, _)| *name == who)
            .map_or(f64::NAN, |t| t.1)
    }
}

fn close(a: f64, b: f64, relative: f64) -> bool {
    (a - b).abs() <= relative * b.abs().max(f64::MIN_POSITIVE)
}

fn blog_row(rounds: usize) -> Row {
    let steps = blog::STEPS;
    let mut contenders = vec![
        contender("engine", || blog::engine(steps)),
        contender("handwritten", || blog::handwritten(steps)),
        contender("fresh tape", || blog::engine_fresh(steps)),
        contender("replay", || blog::replay(steps)),
        contender("nn trainer", || blog::engine_nn(steps)),
        contender("nn compiled", || blog::engine_nn_compiled(steps)),
        contender("reverse", || blog::reverse(steps)),
        contender("echidna", || blog::echidna(steps)),
    ];
    race(&mut contenders, rounds);
    for c in &contenders {
        let loss = c.last.expect("ran");
        assert!(
            close(loss, blog::final_loss(), 1e-9),
            "blog: {} ends at loss {loss}, expected {}",
            c.name,
            blog::final_loss()
        );
    }
    let per_step = blog::nodes_per_step();
    let bytes = peak_bytes(|| blog::engine_fresh(1));
    Row {
        name: "blog",
        times: contenders
            .iter()
            .map(|c| (c.name, median(&c.seconds)))
            .collect(),
        nodes: per_step * steps,
        bytes_per_node: bytes as f64 / (per_step + 8) as f64,
        instructions: blog::program().len(),
        bytes_per_instruction: per_instruction(&blog::program()),
    }
}

fn mlp_row(rounds: usize) -> Row {
    let mut contenders = vec![
        contender("engine", mlp::engine()),
        contender("handwritten", mlp::handwritten()),
        contender("fresh tape", mlp::engine_fresh()),
        contender("replay", mlp::replay()),
        contender("nn trainer", mlp::engine_nn()),
        contender("reverse", mlp::reverse()),
        contender("echidna", mlp::echidna()),
    ];
    race(&mut contenders, rounds);
    let reference = contenders[1].last.clone().expect("ran");
    for c in &contenders {
        let out = c.last.as_ref().expect("ran");
        assert!(
            close(out.loss, reference.loss, 1e-10),
            "mlp: {} loss {}",
            c.name,
            out.loss
        );
        for (k, (g, h)) in out.grads.iter().zip(&reference.grads).enumerate() {
            assert!(
                (g - h).abs() <= 1e-10 * h.abs().max(1.0),
                "mlp: {} gradient {k} is {g}, hand-written {h}",
                c.name
            );
        }
    }
    let nodes = mlp::nodes_per_run();
    let bytes = peak_bytes(|| mlp::engine_fresh()());
    Row {
        name: "mlp",
        times: contenders
            .iter()
            .map(|c| (c.name, median(&c.seconds)))
            .collect(),
        nodes,
        bytes_per_node: bytes as f64 / (nodes + mlp::PARAMETERS) as f64,
        instructions: mlp::program().len(),
        bytes_per_instruction: per_instruction(&mlp::program()),
    }
}

fn chain_row(rounds: usize) -> Row {
    let mut contenders = vec![
        contender("engine", chain::engine()),
        contender("handwritten", chain::handwritten),
        contender("fresh tape", chain::engine_fresh),
        contender("replay", chain::replay()),
        contender("reverse", chain::reverse()),
        contender("echidna", chain::echidna),
    ];
    race(&mut contenders, rounds);
    let exact = chain::closed_form();
    for c in &contenders {
        let out = c.last.expect("ran");
        assert!(
            close(out.gradient, exact.gradient, 1e-9),
            "chain: {} gradient {}",
            c.name,
            out.gradient
        );
        assert!(
            close(out.value, exact.value, 1e-9),
            "chain: {} value {}",
            c.name,
            out.value
        );
    }
    let nodes = chain::nodes_per_run();
    let bytes = peak_bytes(chain::engine_fresh);
    Row {
        name: "chain",
        times: contenders
            .iter()
            .map(|c| (c.name, median(&c.seconds)))
            .collect(),
        nodes,
        bytes_per_node: bytes as f64 / (nodes + 1) as f64,
        instructions: chain::program().len(),
        bytes_per_instruction: per_instruction(&chain::program()),
    }
}

/// A program's bytes (everything it holds) per instruction.
fn per_instruction(program: &autograd::Program) -> f64 {
    program.bytes() as f64 / program.len() as f64
}

fn format_seconds(s: f64) -> String {
    if s.is_nan() {
        "-".to_owned()
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} us", s * 1e6)
    }
}

/// The rows as a table, one line each under a header.
fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let columns = [
        "engine",
        "handwritten",
        "fresh tape",
        "nn trainer",
        "reverse",
        "echidna",
    ];
    let _ = writeln!(
        out,
        "{:<6}  {:>10}  {:>11}  {:>6}  {:>16}  {:>16}  {:>16}  {:>16}  {:>16}  {:>16}  {:>10}  {:>7}  {:>10}  {:>12}",
        "",
        "engine",
        "hand-written",
        "ratio",
        "replay",
        "fresh tape",
        "nn trainer",
        "nn compiled",
        "reverse",
        "echidna",
        "nodes",
        "ns/node",
        "bytes/node",
        "bytes/instr"
    );
    for row in rows {
        let hand = row.time("handwritten");
        let with_ratio = |who: &str| {
            let t = row.time(who);
            if t.is_nan() {
                "-".to_owned()
            } else {
                format!("{} ({:.1}x)", format_seconds(t), t / hand)
            }
        };
        let engine = row.time(columns[0]);
        let _ = writeln!(
            out,
            "{:<6}  {:>10}  {:>11}  {:>5.2}x  {:>16}  {:>16}  {:>16}  {:>16}  {:>16}  {:>16}  {:>10}  {:>7.2}  {:>10.1}  {:>12.1}",
            row.name,
            format_seconds(engine),
            format_seconds(hand),
            engine / hand,
            with_ratio("replay"),
            with_ratio("fresh tape"),
            with_ratio("nn trainer"),
            with_ratio("nn compiled"),
            with_ratio("reverse"),
            with_ratio("echidna"),
            row.nodes,
            engine * 1e9 / row.nodes as f64,
            row.bytes_per_node,
            row.bytes_per_instruction,
        );
    }
    out
}

fn json_number(x: f64) -> String {
    if x.is_finite() {
        format!("{x:e}")
    } else {
        "null".to_owned()
    }
}

/// The rows as one JSON object.
fn json(rows: &[Row], batch: Option<&BatchRow>) -> String {
    let mut items: Vec<String> = rows
        .iter()
        .map(|row| {
            let (engine, hand) = (row.time("engine"), row.time("handwritten"));
            format!(
                "{{\"name\": \"{}\", \"engine_s\": {}, \"handwritten_s\": {}, \"ratio\": {}, \
                 \"fresh_tape_s\": {}, \"nn_trainer_s\": {}, \"nn_compiled_s\": {}, \
                 \"peers\": {{\"reverse\": {}, \"echidna\": {}}}, \"nodes\": {}, \"bytes_per_node\": {}, \
                 \"replay_s\": {}, \"replay_ratio\": {}, \"instructions\": {}, \
                 \"replay_bytes_per_instruction\": {}}}",
                row.name,
                json_number(engine),
                json_number(hand),
                json_number(engine / hand),
                json_number(row.time("fresh tape")),
                json_number(row.time("nn trainer")),
                json_number(row.time("nn compiled")),
                json_number(row.time("reverse")),
                json_number(row.time("echidna")),
                row.nodes,
                json_number(row.bytes_per_node),
                json_number(row.time("replay")),
                json_number(row.time("replay") / hand),
                row.instructions,
                json_number(row.bytes_per_instruction),
            )
        })
        .collect();
    if let Some(b) = batch {
        items.push(format!(
            "{{\"name\": \"batch\", \"points\": {}, \"threads\": {}, \"one_thread_s\": {}, \
             \"all_threads_s\": {}, \"speedup\": {}}}",
            batch::POINTS,
            b.threads,
            json_number(b.one),
            json_number(b.all),
            json_number(b.speedup())
        ));
    }
    format!("{{\"workloads\": [{}]}}\n", items.join(", "))
}

/// The batch gradient on one thread and on every core.
struct BatchRow {
    threads: usize,
    one: f64,
    all: f64,
}

impl BatchRow {
    fn speedup(&self) -> f64 {
        self.one / self.all
    }
}

/// One batch gradient on a pool of one thread and on a pool of every core,
/// alternating; checks that both give the same bits.
fn batch_row(rounds: usize) -> BatchRow {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("the bench starts its threads")
    };
    let (one, all) = (pool(1), pool(threads));
    let (model, data) = (batch::model(), batch::data());
    let mut contenders = vec![
        contender("one thread", || batch::gradient(&one, &model, &data)),
        contender("every core", || batch::gradient(&all, &model, &data)),
    ];
    race(&mut contenders, rounds);
    let (a, b) = (
        contenders[0].last.as_ref().expect("ran"),
        contenders[1].last.as_ref().expect("ran"),
    );
    assert!(
        a.0.to_bits() == b.0.to_bits()
            && a.1
                .iter()
                .zip(&b.1)
                .all(|(x, y)| x.to_bits() == y.to_bits()),
        "batch: {threads} threads gave other bits than one"
    );
    BatchRow {
        threads,
        one: median(&contenders[0].seconds),
        all: median(&contenders[1].seconds),
    }
}

/// The batch row as a line under the table.
fn batch_line(row: &BatchRow) -> String {
    format!(
        "\nbatch   gradient over {} points: 1 thread {}, {} threads {}, speedup {:.2}x (same bits)\n",
        batch::POINTS,
        format_seconds(row.one),
        row.threads,
        format_seconds(row.all),
        row.speedup()
    )
}

/// Jacobians of each shape by each mode, and Hessian-vector products both
/// ways, alternating as the workloads do; checks that they agree.
fn modes_table(rounds: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<24}  {:>10}  {:>10}  {:>10}  {:>16}",
        "jacobian (in -> out)", "reverse", "forward", "auto", "fwd/rev"
    );
    for (n, m) in modes::SHAPES {
        let mut contenders = vec![
            contender("reverse", move || modes::jacobian(n, m, Mode::Reverse)),
            contender("forward", move || modes::jacobian(n, m, Mode::Forward)),
            contender("auto", move || modes::jacobian(n, m, Mode::Auto)),
        ];
        race(&mut contenders, rounds);
        let reference = contenders[0].last.clone().expect("ran");
        for c in &contenders {
            for (i, (row, expected)) in c
                .last
                .as_ref()
                .expect("ran")
                .iter()
                .zip(&reference)
                .enumerate()
            {
                for (j, (&a, &b)) in row.iter().zip(expected).enumerate() {
                    assert!(
                        (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                        "jacobian {n}->{m}: {} [{i}][{j}] is {a}, reverse mode {b}",
                        c.name
                    );
                }
            }
        }
        let times: Vec<f64> = contenders.iter().map(|c| median(&c.seconds)).collect();
        let _ = writeln!(
            out,
            "{:<24}  {:>10}  {:>10}  {:>10}  {:>15.2}x",
            format!("{n} -> {m}"),
            format_seconds(times[0]),
            format_seconds(times[1]),
            format_seconds(times[2]),
            times[1] / times[0]
        );
    }
    let mut contenders = vec![
        contender("forward over reverse", modes::hvp_forward_over_reverse),
        contender("reverse over reverse", modes::hvp_reverse_over_reverse),
    ];
    race(&mut contenders, rounds);
    let expected = modes::hvp_handwritten();
    for c in &contenders {
        for (i, (&a, &b)) in c
            .last
            .as_ref()
            .expect("ran")
            .iter()
            .zip(&expected)
            .enumerate()
        {
            assert!(
                (a - b).abs() <= 1e-10 * b.abs().max(1.0),
                "hvp: {} [{i}] is {a}, by hand {b}",
                c.name
            );
        }
    }
    let (dual, recorded) = (
        median(&contenders[0].seconds),
        median(&contenders[1].seconds),
    );
    let _ = writeln!(
        out,
        "\n{:<24}  {:>10}  {:>10}  {:>16}",
        format!("hvp ({} inputs)", modes::HVP_INPUTS),
        "fwd/rev",
        "rev/rev",
        "rev/rev / fwd/rev"
    );
    let _ = writeln!(
        out,
        "{:<24}  {:>10}  {:>10}  {:>15.2}x",
        "extended Rosenbrock",
        format_seconds(dual),
        format_seconds(recorded),
        recorded / dual
    );
    out
}

/// The process's peak resident memory in bytes, from /proc (Linux only).
fn peak_resident_bytes() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Records and differentiates a chain of `nodes` nodes; one line on time
/// and memory.
fn huge_chain(nodes: usize) -> String {
    let start = Instant::now();
    let out = chain::engine_with_steps(nodes / 2);
    let seconds = start.elapsed().as_secs_f64();
    let exact = chain::closed_form_with_steps(nodes / 2);
    let tolerance = nodes as f64 * f64::EPSILON;
    assert!(
        close(out.gradient, exact.gradient, tolerance),
        "gradient {} vs {}",
        out.gradient,
        exact.gradient
    );
    assert!(
        close(out.value, exact.value, tolerance),
        "value {} vs {}",
        out.value,
        exact.value
    );
    let peak = peak_resident_bytes().unwrap_or(0);
    format!(
        "chain of {nodes} nodes: {seconds:.2} s ({:.1} ns/node), peak resident {:.2} GiB ({:.1} bytes/node), gradient {} matches the closed form\n",
        seconds * 1e9 / nodes as f64,
        peak as f64 / (1u64 << 30) as f64,
        peak as f64 / nodes as f64,
        autograd::Shortest(out.gradient)
    )
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let text = if let Some(nodes) = cli.huge_chain {
        huge_chain(nodes as usize)
    } else {
        let wanted = |w: Workload| {
            // The modes have a table of their own, run only when asked for.
            (cli.only.is_empty() && w != Workload::Modes) || cli.only.contains(&w)
        };
        let rounds = usize::from(cli.rounds);
        let mut rows = Vec::new();
        if wanted(Workload::Blog) {
            rows.push(blog_row(rounds));
        }
        if wanted(Workload::Mlp) {
            rows.push(mlp_row(rounds * 8));
        }
        if wanted(Workload::Chain) {
            rows.push(chain_row(rounds));
        }
        let batch = wanted(Workload::Batch).then(|| batch_row(rounds));
        let mut text = if rows.is_empty() && batch.is_none() {
            String::new()
        } else if cli.json {
            json(&rows, batch.as_ref())
        } else {
            let mut text = if rows.is_empty() {
                String::new()
            } else {
                table(&rows)
            };
            text += &batch.as_ref().map(batch_line).unwrap_or_default();
            text
        };
        if wanted(Workload::Modes) {
            text += &modes_table(rounds);
        }
        text
    };
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`bench | head`): nothing left to do.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: cannot write to standard output: {e}");
            ExitCode::FAILURE
        }
    }
}
