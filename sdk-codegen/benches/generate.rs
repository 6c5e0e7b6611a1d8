//! Generator time over the full vendored PVE 9.1 schema, by stage.
//!
//! Run: `cargo bench -p sdk-codegen --bench generate` (add `-- --samples N`). Prints medians.

use std::path::Path;
use std::time::{Duration, Instant};

use sdk_codegen::model::SchemaSet;
use sdk_codegen::{Generator, Settings, emit, fixups, lower};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let samples = std::env::args()
        .skip_while(|a| a != "--samples")
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(11);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema");
    let (mut load, mut lowering, mut emission, mut total) = (vec![], vec![], vec![], vec![]);
    let mut lines = 0;
    for _ in 0..samples {
        let start = Instant::now();
        let mut set = SchemaSet::load(&dir).expect("schema loads");
        let loaded = Instant::now();
        fixups::run_all(&mut set.api, true).expect("fixups");
        let api = lower::lower(&set, true).expect("lowers");
        let lowered = Instant::now();
        let code = emit::emit(&api).expect("emits");
        let done = Instant::now();
        lines = code
            .modules
            .values()
            .map(|m| m.lines().count())
            .sum::<usize>();
        load.push(loaded - start);
        lowering.push(lowered - loaded);
        emission.push(done - lowered);
        total.push(done - start);
    }
    // The public one-call API, for comparison with the staged numbers above.
    let whole: Vec<Duration> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            let set = SchemaSet::load(&dir).expect("schema loads");
            let out = Generator::new(Settings { strict: true })
                .generate(set)
                .expect("generates");
            std::hint::black_box(out);
            start.elapsed()
        })
        .collect();
    println!("full PVE 9.1 schema, {samples} samples, {lines} generated lines");
    println!("load + parse:         median {:8.1} ms", ms(median(load)));
    println!(
        "fixups + lowering:    median {:8.1} ms",
        ms(median(lowering))
    );
    println!(
        "emit + prettyplease:  median {:8.1} ms",
        ms(median(emission))
    );
    println!("total (staged):       median {:8.1} ms", ms(median(total)));
    println!("Generator::generate:  median {:8.1} ms", ms(median(whole)));
}
