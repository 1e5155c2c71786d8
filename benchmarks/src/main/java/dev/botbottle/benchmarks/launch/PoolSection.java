package dev.botbottle.benchmarks.launch;

import java.nio.file.Path;

/** Claim-to-ready from a warm pool (filled in once the pool exists). */
final class PoolSection {

    private final LaunchBenchmark.Report report;

    PoolSection(Path home, String agent, int runs, LaunchBenchmark.Report report) {
        this.report = report;
    }

    void run() {
        report.line("");
        report.line("## pool: not built yet");
    }
}
