//! Criterion benchmarks of the three workloads: the engine beside the
//! hand-written code, for statistics on one workload at a time.
//!
//! `cargo bench -p benchmarks`; the side-by-side table with the peer crates
//! is `cargo run --release --bin bench`.

use std::hint::black_box;

use benchmarks::{blog, chain, mlp};
use criterion::{Criterion, criterion_group, criterion_main};

fn blog_steps(c: &mut Criterion) {
    let mut group = c.benchmark_group("blog-10k-steps");
    group.sample_size(20);
    group.bench_function("engine", |b| {
        b.iter(|| black_box(blog::engine(blog::STEPS)))
    });
    group.bench_function("handwritten", |b| {
        b.iter(|| black_box(blog::handwritten(blog::STEPS)))
    });
    group.finish();
}

fn mlp_pass(c: &mut Criterion) {
    let mut group = c.benchmark_group("mlp-2-16-16-1-100-points");
    let mut engine = mlp::engine();
    let mut handwritten = mlp::handwritten();
    group.bench_function("engine", |b| b.iter(|| black_box(engine())));
    group.bench_function("handwritten", |b| b.iter(|| black_box(handwritten())));
    group.finish();
}

fn chain_pass(c: &mut Criterion) {
    let mut group = c.benchmark_group("chain-1M-steps");
    group.sample_size(10);
    let mut engine = chain::engine();
    group.bench_function("engine", |b| b.iter(|| black_box(engine())));
    group.bench_function("handwritten", |b| {
        b.iter(|| black_box(chain::handwritten()))
    });
    group.finish();
}

criterion_group!(workloads, blog_steps, mlp_pass, chain_pass);
criterion_main!(workloads);
