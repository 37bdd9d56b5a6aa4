import Foundation
import Testing
import TTSSimulator
@testable import TTSArchiveCore

/// The tool as cron, a shell or a dead logger run it: closed descriptors, full devices, pipes
/// whose reader has gone, hostile text from the server, planted objects.
@Suite("Running unattended", .serialized)
struct UnattendedTests {
    /// How a command's stdout/stderr are wired.
    enum Wiring: String, CaseIterable {
        case stdoutClosed = ">&-", stderrClosed = "2>&-", bothClosed = ">&- 2>&-"
        case stdoutFull = ">/dev/full", stderrFull = "2>/dev/full"
        case stdoutBrokenPipe = "| (stdout: a pipe whose reader has gone)"
    }

    /// Runs `ttsarchive args` through /bin/sh with `wiring`, as a crontab line would.
    static func launch(_ args: [String], _ wiring: Wiring, environment: [String: String] = [:], prefix: String = "") async throws -> Int32 {
        let redirect = wiring == .stdoutBrokenPipe ? "" : wiring.rawValue
        let process = ToolProcess.configured(
            "/bin/sh", ["-c", "\(prefix) exec \"$0\" \"$@\" \(redirect)", ToolProcess.ttsarchive] + args, environment: environment)
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        // No reader at all: the child's first write to stdout gets EPIPE (SIGPIPE if not ignored).
        if wiring == .stdoutBrokenPipe { try out.fileHandleForReading.close() }
        try process.run()
        if wiring != .stdoutBrokenPipe { _ = await ToolProcess.readAll(out) }
        _ = await ToolProcess.readAll(err)
        await ToolProcess.wait(process)
        // A death by signal shows as 128 + the signal number, as a shell would report it.
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    @Test func everySubcommandSurvivesClosedFullAndBrokenOutputs() async throws {
        let sim = try await SimHarness.start(jobs: 12, seed: 5) { $0.audioMaxBytes = 120_000 }
        defer { Task { await sim.stop() } }
        let dir = ScratchDirectory("unattended")
        let first = try await sim.run(dir)
        #expect(first.status == 0, "\(first.stderr.suffix(500))")
        let manifest = try RunFiles(dir: dir).manifest()
        let digest = try #require(manifest.jobs.flatMap(\.artifacts).first).sha256
        let input = dir.sub("input.txt")
        try Data("some bytes to put\n".utf8).write(to: URL(fileURLWithPath: input))
        let store = ["--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")]
        let window = ["--endpoint", sim.endpoint, "--since", SimHarness.since, "--until", SimHarness.until]
        var counter = 0
        func fresh() -> String { counter += 1; return dir.sub("out-\(counter)") }

        for wiring in Wiring.allCases {
            let commands: [[String]] = [
                ["run"] + window + store + ["-vv"], ["list"] + window + ["-vv"], ["list", "--json"] + window,
                ["put"] + store + [input], ["put"] + store + ["/tmp"], ["cat"] + store + [digest],
                ["verify"] + store, ["restore", "--run", manifest.runID, "--out", fresh()] + store,
                ["export", "--run", manifest.runID, "--bagit", fresh()] + store, ["status"] + store,
                ["report", "--out", fresh() + ".html"] + store, ["config", "check"] + store,
                ["merge", "--run-group", "none"] + store, ["inventory"] + store, ["run", "--max-file-size", "9000000000G"],
                ["--help"],
            ]
            for command in commands {
                let status = try await Self.launch(command, wiring, environment: sim.environment)
                let allowed = status < 128 || (wiring == .stdoutBrokenPipe && status == Console141.status)
                #expect(allowed, "ttsarchive \(command.joined(separator: " ")) \(wiring.rawValue) ended with \(status)")
            }
        }
        // Nothing half-written: no temp object, a verifiable chain, the journal closed.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.sub("archive/tmp")).isEmpty)
        let verify = try await ToolProcess.run(["verify"] + store)
        #expect(verify.status == 0, "\(verify.stdout.suffix(800))")
        #expect(!FileManager.default.fileExists(atPath: dir.sub("archive/state/active.journal")))
    }

    @Test func outputFailuresHaveDocumentedCodes() async throws {
        let dir = ScratchDirectory("outputs")
        let store = ["--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")]
        var noise = [UInt8](repeating: 0, count: 1 << 20)
        for i in noise.indices { noise[i] = UInt8(truncatingIfNeeded: (i &* 2_654_435_761) >> 11) }
        let put = try await ToolProcess.run(["put"] + store + ["-"], stdin: Data(noise))
        #expect(put.status == 0, "\(put.stderr)")
        let digest = String(put.stdout.prefix(64))
        // A full device: one line on stderr, exit 1 (the command's report was lost).
        let full = try await ToolProcess.run(
            ["-c", "exec \"$0\" cat \"$@\" >/dev/full", ToolProcess.ttsarchive] + store + [digest], executable: "/bin/sh")
        #expect(full.status == 1, "\(full.stderr)")
        #expect(full.stderr.contains("cannot write standard output: the disk or device is full"), "\(full.stderr)")
        #expect(full.stderr.split(separator: "\n").count == 1)
        // The reader goes away mid-object (`| head -c 10`): quiet, 141 as a shell reports SIGPIPE.
        let statusFile = dir.sub("status")
        let head = try await ToolProcess.run(
            ["-c", "{ \"$0\" cat \"$@\"; echo $? >\(statusFile); } | head -c 10 >/dev/null", ToolProcess.ttsarchive] + store + [digest],
            executable: "/bin/sh")
        #expect(head.stderr.isEmpty, "\(head.stderr)")
        #expect(try String(contentsOfFile: statusFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == "141")
        let closed = try await Self.launch(["cat"] + store + [digest], .stdoutBrokenPipe)
        #expect(closed == Console141.status)
        // A directory to put: an error, not a trap.
        let directory = try await ToolProcess.run(["put"] + store + ["/tmp"])
        #expect(directory.status == 1 && directory.stderr.contains("cannot read /tmp"), "\(directory.status) \(directory.stderr)")
    }

    @Test func aRunWhoseStderrReaderHasGoneWritesItsManifest() async throws {
        let sim = try await SimHarness.start(jobs: 10, seed: 9) { $0.audioMaxBytes = 100_000 }
        defer { Task { await sim.stop() } }
        let dir = ScratchDirectory("stderr-gone")
        for (wiring, verbose) in [(Wiring.stderrClosed, "-vv"), (.stderrFull, "-vv")] {
            let status = try await Self.launch(sim.runArguments(dir, extra: [verbose]), wiring, environment: sim.environment)
            #expect(status == 0, "\(wiring.rawValue): \(status)")
        }
        // stderr into a pipe nobody reads any more: the logs hit EPIPE, not SIGPIPE.
        let process = ToolProcess.configured(ToolProcess.ttsarchive, sim.runArguments(dir, extra: ["-vv"]), environment: sim.environment)
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try err.fileHandleForReading.close()
        try process.run()
        await ToolProcess.wait(process)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: dir.sub("manifests/HEAD.json")))
    }

    @Test func oversizedArgumentsAreUsageErrors() async throws {
        for args in [
            ["run", "--max-file-size", "9000000000G"], ["run", "--max-file-size", "-1"], ["run", "--overlap", "inf"],
            ["run", "--overlap", "1e300d"], ["run", "--pending-max-age", "99999999999d"], ["run", "--since", "yesterday"],
            ["run", "--shard", "3/2", "--run-group", "g"], ["put", "--s3-part-size", "99999999999999T", "-"],
            ["merge", "--run-group", "g", "--wait-lock", "nan"],
        ] {
            let result = try await ToolProcess.run(args)
            #expect(result.status == 2, "\(args): \(result.status) \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"))
        }
    }
}

@Suite("Hostile servers and planted objects", .serialized)
struct HostileInputTests {
    @Test func serverTextWithTerminalEscapesIsShownEscapedAndJSONStaysExact() async throws {
        let sim = try await SimHarness.start(jobs: 16, seed: 21) { config in
            config.terminalEscapeFraction = 0.5
            config.audioMaxBytes = 100_000
        }
        defer { Task { await sim.stop() } }
        let window = ["--endpoint", sim.endpoint, "--since", SimHarness.since, "--until", SimHarness.until]
        let json = try await ToolProcess.run(["list", "--json"] + window, environment: sim.environment)
        #expect(json.status == 0, "\(json.stderr)")
        let ids = json.stdout.split(separator: "\n").compactMap {
            ((try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any])?["job_id"] as? String
        }
        let hostile = ids.filter { $0.contains("\u{1B}") }
        #expect(!hostile.isEmpty, "the world has no escape-laden job ids")
        #expect(hostile.allSatisfy { $0.hasPrefix("\u{1B}]0;pwned\u{07}") }, "JSON must carry the ids exactly")

        let table = try await ToolProcess.run(["list", "-vv"] + window, environment: sim.environment)
        #expect(table.status == 0)
        for text in [table.stdout, table.stderr] {
            #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "a raw control character reached the terminal")
        }
        #expect(table.stdout.contains("\\u{1B}]0;pwned\\u{7}\\u{1B}[2J"), "\(table.stdout.prefix(400))")

        let dir = ScratchDirectory("escapes")
        let run = try await sim.run(dir, extra: ["-vv"])
        #expect(run.status == 0, "\(run.stderr.suffix(500))")
        for text in [run.stdout, run.stderr] {
            #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "a raw control character reached the terminal")
        }
        let archived = try RunFiles(dir: dir).manifest().jobs.map(\.jobID)
        #expect(archived.contains { $0.hasPrefix("\u{1B}]0;pwned") }, "the manifest keeps the id exactly")

        // Server text as well as ids: FAILED jobs' reasons stay exact in JSON.
        let all = try await ToolProcess.run(["list", "--json", "--state", "all"] + window, environment: sim.environment)
        let reasons = all.stdout.split(separator: "\n").compactMap {
            ((try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any])?["fail_msg"] as? String
        }
        #expect(reasons.contains { $0.hasPrefix(SimulatorConfig.terminalEscape) }, "the world has no escape-laden fail_msg")
    }

    @Test func anErrorMessageWithTerminalEscapesIsShownEscaped() async throws {
        // Every listing page answers 500, with escapes in error_msg, until the tool gives up.
        let sim = try await SimHarness.start(jobs: 4, seed: 21) { config in
            config.terminalEscapeFraction = 0.5
            config.faults = FaultRates([.list5xx: 1])
            config.faultAttempts = 1_000
        }
        defer { Task { await sim.stop() } }
        let window = ["--endpoint", sim.endpoint, "--since", SimHarness.since, "--until", SimHarness.until]
        let list = try await ToolProcess.run(["list", "-vv"] + window, environment: sim.environment)
        #expect(list.status != 0)
        #expect(!list.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "a raw control character reached the terminal")
        #expect(list.stderr.contains("\\u{1B}]0;pwned\\u{7}\\u{1B}[2JInternal error"), "\(list.stderr.suffix(600))")
    }

    @Test func aDripJustAboveTheLowSpeedLimitMeetsTheTransferDeadline() async throws {
        let sim = try await SimHarness.start(jobs: 6, seed: 13) { config in
            config.audioMinBytes = 1_000_000
            config.audioMaxBytes = 1_200_000
            config.faults[.trickle] = 1.0
            // 40 KB/s: far above curl's low-speed limit, so only a total deadline ends it.
            config.trickleChunkBytes = 4096
            config.trickleDelayMilliseconds = 100
            config.trickleMaxSeconds = 600
        }
        defer { Task { await sim.stop() } }
        let dir = ScratchDirectory("drip")
        let started = Date()
        let run = try await sim.run(dir, extra: ["--transfer-timeout", "2s"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(run.status == 0, "\(run.stderr.suffix(800))")
        // Undeadlined, each first attempt would drip for 25 s or more.
        #expect(elapsed < 20, "the run took \(elapsed) s")
        #expect(try RunFiles(dir: dir).manifest().counts.retries > 0)
    }

    @Test func anEndlessErrorBodyMeetsTheTransferDeadlineAndTheArtifactIsFetchedAgain() async throws {
        let sim = try await SimHarness.start(jobs: 6, seed: 19) { config in
            config.audioMaxBytes = 100_000
            // Every listing page and every object answers its first attempt with a 503 whose
            // body never ends: 8 bytes every 250 ms, above curl's low-speed limit (1 B/s), so
            // the 4 KiB cap on a download's error body is reached only after 2 minutes and the
            // 64 KiB cap on an API error body after half an hour.
            config.faults = FaultRates([.endlessError: 1])
            config.trickleChunkBytes = 8
            config.trickleDelayMilliseconds = 250
        }
        defer { Task { await sim.stop() } }
        let dir = ScratchDirectory("endless")
        let started = Date()
        // Undeadlined, the run would wait on the first body for minutes: `timeout` (exit 124)
        // keeps this test from hanging the suite when the deadline is missing.
        let run = try await ToolProcess.run(
            ["90", ToolProcess.ttsarchive] + sim.runArguments(dir, extra: ["--transfer-timeout", "2s"]),
            executable: "/usr/bin/timeout", environment: sim.environment)
        let elapsed = Date().timeIntervalSince(started)
        let stats = sim.simulator.stats()
        #expect((stats.faults[FaultKind.endlessError.rawValue] ?? 0) > 1, "the simulator sent no endless error body")
        // Exit 0: the run is complete and every artifact was archived on a later attempt.
        #expect(run.status == 0, "\(run.stderr.suffix(800))")
        #expect(elapsed < 45, "the run took \(elapsed) s")
        let manifest = try RunFiles(dir: dir).manifest()
        #expect(manifest.complete)
        #expect(manifest.failures.isEmpty, "\(manifest.failures.prefix(3))")
        #expect(manifest.owed == nil)
        #expect(manifest.counts.retries > 0)
        let verify = try await ToolProcess.run(["verify", "--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")])
        #expect(verify.status == 0, "\(verify.stdout.suffix(400))")
    }

    @Test func aPlantedObjectThatInflatesFarBeyondItsRecordIsDamageNotAFullDisk() async throws {
        let sim = try await SimHarness.start(jobs: 8, seed: 17) { $0.audioMaxBytes = 200_000 }
        defer { Task { await sim.stop() } }
        let dir = ScratchDirectory("bomb")
        #expect(try await sim.run(dir).status == 0)
        let manifest = try RunFiles(dir: dir).manifest()
        let store = ["--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")]
        let victim = try #require(manifest.jobs.flatMap(\.artifacts).first { $0.kind == .audio })
        // 256 MiB of zeros, gzip'd to about 250 KiB, in place of a file of at most 200 KB.
        let object = dir.sub("archive/" + victim.object)
        chmod(object, 0o644)
        let plant = try await ToolProcess.run(["-c", "head -c 268435456 /dev/zero | gzip -1 >\"$0\"", object], executable: "/bin/sh")
        #expect(plant.status == 0, "\(plant.stderr)")
        // A 32 MiB file-size limit stands in for the disk: writing past it is a fault, not a pass.
        let limit = "ulimit -f 65536;"
        let restore = try await UnattendedTests.launch(
            ["restore", "--run", manifest.runID, "--out", dir.sub("restored")] + store, .stderrFull, prefix: limit)
        #expect(restore == 5, "restore ended with \(restore)")
        let export = try await UnattendedTests.launch(
            ["export", "--run", manifest.runID, "--tar", dir.sub("bag.tar")] + store, .stderrFull, prefix: limit)
        #expect(export == 5, "export ended with \(export)")
        let restoredSizes = (FileManager.default.enumerator(atPath: dir.sub("restored"))?.allObjects as? [String] ?? []).compactMap {
            (try? FileManager.default.attributesOfItem(atPath: dir.sub("restored/" + $0)))?[.size] as? Int64
        }
        #expect(restoredSizes.allSatisfy { $0 <= 200_001 })
        // `cat` is given only the digest; the manifest records the size it holds the object to.
        let catOut = dir.sub("cat.out")
        let cat = try await ToolProcess.run(
            ["-c", "ulimit -f 65536; out=$1; shift; exec \"$0\" cat \"$@\" >\"$out\"", ToolProcess.ttsarchive, catOut] + store + [victim.sha256],
            executable: "/bin/sh")
        #expect(cat.status == 5, "\(cat.status) \(cat.stderr)")
        #expect(cat.stderr.contains("inflates to more than the \(victim.size) bytes recorded"), "\(cat.stderr)")
        let catSize = (try FileManager.default.attributesOfItem(atPath: catOut)[.size] as? Int64) ?? -1
        #expect(catSize == victim.size + 1, "cat wrote \(catSize) bytes of an object recorded as \(victim.size)")
    }
}

/// The documented status for a stdout whose reader has gone (docs/operations.md, "Running unattended").
enum Console141 {
    static let status: Int32 = 141
}
