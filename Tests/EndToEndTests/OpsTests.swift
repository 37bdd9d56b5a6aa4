import Foundation
import TTSSimulator
import Testing

@testable import TTSArchiveCore

/// Small, quick nights: a few dozen jobs of small audio, optionally throttled so a run lasts seconds.
private func smallSim(jobs: Int, bandwidth: Int? = nil) async throws -> SimHarness {
    try await SimHarness.start(jobs: jobs, seed: 31) {
        $0.audioMinBytes = 20_000
        $0.audioMaxBytes = 100_000
        $0.bandwidth = bandwidth
    }
}

/// Runs the CLI (on a thread of its own, so two can run at once).
private func runCLI(_ arguments: [String], environment: [String: String]) async throws -> ToolProcess.Result {
    try await ToolProcess.run(arguments, environment: environment)
}

private func manifestFiles(_ path: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".json") && $0 != "HEAD.json" }.sorted()
}

/// Metric families parsed by the reference parser (PyPI `prometheus_client`): name → samples.
private func prometheusSamples(_ path: String) async throws -> [String: [(labels: [String: String], value: Double)]] {
    let script = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        out = {}
        for family in text_string_to_metric_families(open(sys.argv[1]).read()):
            for s in family.samples:
                out.setdefault(s.name, []).append({"labels": s.labels, "value": s.value, "type": family.type})
        print(json.dumps(out))
        """
    let result = try await ToolProcess.run(["python3", "-c", script, path], executable: "/usr/bin/env")
    try #require(result.status == 0, "prometheus_client could not parse \(path) (or is not installed: make setup): \(result.stderr)")
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [[String: Any]]] ?? [:]
    return object.mapValues { $0.map { (($0["labels"] as? [String: String]) ?? [:], ($0["value"] as? Double) ?? .nan) } }
}

@Suite("Nightly operations: the lock, the config file, metrics, status", .serialized)
struct OpsTests {
    @Test func twoConcurrentRunsNeverInterleave() async throws {
        let sim = try await smallSim(jobs: 60, bandwidth: 1_500_000)
        let dir = ScratchDirectory("ops-two"), fresh = ScratchDirectory("ops-wait")
        // The stores exist already: two processes creating one store at the same instant is the
        // store's business (LocalObjectStore), not the lock's.
        for scratch in [dir, fresh] { _ = try LocalObjectStore(root: scratch.sub("archive"), create: true) }
        let args = sim.runArguments(dir), env = sim.environment
        async let first = runCLI(args, environment: env)
        async let second = runCLI(args, environment: env)
        let results = try await [first, second]
        #expect(results.map(\.status).sorted() == [0, 4], "\(results.map(\.stderr))")
        let loser = try #require(results.first { $0.status == 4 })
        #expect(loser.stderr.contains("the archive is locked by") && loser.stderr.contains("on host \(ArchiveLock.localHost())"))
        #expect(loser.stderr.contains("--wait-lock"))
        #expect(manifestFiles(dir.sub("manifests")).count == 1)
        let journal = try String(contentsOfFile: dir.sub("archive/state/previous.journal"), encoding: .utf8)
        #expect(journal.split(separator: "\n").filter { $0.contains("\"type\":\"run\"") }.count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.sub("archive/state/LOCK")))

        // With --wait-lock, the second waits its turn: both succeed, one after the other, chained.
        let waiting = sim.runArguments(fresh, extra: ["--wait-lock", "2m"])
        async let a = runCLI(waiting, environment: env)
        async let b = runCLI(waiting, environment: env)
        let both = try await [a, b]
        #expect(both.map(\.status) == [0, 0], "\(both.map(\.stderr))")
        #expect(both.filter { $0.stderr.contains("waiting up to 2m for the archive lock held by") }.count == 1)
        let runs = try manifestFiles(fresh.sub("manifests")).map {
            try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: fresh.sub("manifests/" + $0))))
        }
        try #require(runs.count == 2)
        #expect(runs[1].startedAt >= runs[0].finishedAt, "the second run started before the first ended")
        #expect(runs[1].previousManifest?.runID == runs[0].runID)
        #expect(runs[1].counts.jobsAlreadyArchived == runs[0].jobs.count)
        await sim.stop()
    }

    @Test func aKilledRunsLockIsTakenOver() async throws {
        let sim = try await smallSim(jobs: 60, bandwidth: 1_500_000)
        let dir = ScratchDirectory("ops-stale")
        let process = ToolProcess.configured(ToolProcess.ttsarchive, sim.runArguments(dir), environment: sim.environment)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let lockPath = dir.sub("archive/state/LOCK")
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: lockPath) { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .seconds(1))
        kill(process.processIdentifier, SIGKILL)
        await ToolProcess.wait(process)
        let left = try JSONDecoder().decode(LockHolder.self, from: Data(contentsOf: URL(fileURLWithPath: lockPath)))
        #expect(left.pid == process.processIdentifier, "the killed run's lock is left behind")

        let after = try await sim.run(dir)
        #expect(after.status == 0, "\(after.stderr.suffix(1500))")
        #expect(
            after.stderr.contains("took over the archive lock") && after.stderr.contains("pid \(left.pid)")
                && after.stderr.contains("process gone"))
        #expect(try RunFiles(dir: dir).manifest().complete)
        #expect(!FileManager.default.fileExists(atPath: lockPath))
        await sim.stop()
    }

    @Test func aForeignLockIsReportedAndRespected() async throws {
        let sim = try await smallSim(jobs: 20)
        let dir = ScratchDirectory("ops-foreign")
        let metrics = dir.sub("ttsarchive.prom")
        #expect(try await sim.run(dir, extra: ["--metrics-file", metrics]).status == 0)
        let good = try await prometheusSamples(metrics)
        let manifest = try RunFiles(dir: dir).manifest()
        let head = try RunFiles(dir: dir).head()
        #expect(good["ttsarchive_last_run_success"]?.first?.value == 1)
        #expect(good["ttsarchive_last_run_jobs_archived"]?.first?.value == Double(manifest.jobs.count))
        #expect(good["ttsarchive_last_run_artifacts_archived"]?.first?.value == Double(manifest.counts.artifactsStored))
        #expect(good["ttsarchive_last_run_bytes_archived"]?.first?.value == Double(manifest.counts.bytes))
        #expect(good["ttsarchive_last_run_failures"]?.first?.value == Double(manifest.failures.count))
        #expect(good["ttsarchive_manifest_head_info"]?.first?.labels["sha256"] == head.sha256)
        for name in [
            "start_timestamp_seconds", "end_timestamp_seconds", "duration_seconds", "relists", "retries", "dedup_ratio", "stored_bytes",
        ] {
            #expect(good["ttsarchive_last_run_" + name] != nil, "missing ttsarchive_last_run_\(name)")
        }
        let start = try #require(good["ttsarchive_last_run_start_timestamp_seconds"]?.first?.value)
        #expect(try #require(good["ttsarchive_last_run_end_timestamp_seconds"]?.first?.value) >= start)
        let besideMetrics = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(besideMetrics.allSatisfy { !$0.hasSuffix(".tmp") }, "a temp file was left beside the metrics: \(besideMetrics)")

        let foreign = LockHolder(
            host: "build-07.example.net", pid: 4242, startedAt: Timestamp.format(Date().addingTimeInterval(-7300)),
            command: "ttsarchive run")
        try JSONEncoder().encode(foreign).write(to: URL(fileURLWithPath: dir.sub("archive/state/LOCK")))
        // Its holder keeps the flock (a shared file system): alive, whatever host it names.
        let held = open(dir.sub("archive/state/LOCK"), O_RDONLY)
        #expect(flock(held, LOCK_EX | LOCK_NB) == 0)
        let refused = try await sim.run(dir, extra: ["--metrics-file", metrics])
        #expect(refused.status == 4)
        #expect(
            refused.stderr.contains("build-07.example.net") && refused.stderr.contains("pid 4242") && refused.stderr.contains("2h 01m ago"))
        #expect(refused.stderr.contains("--break-lock"))
        #expect(manifestFiles(dir.sub("manifests")).count == 1, "nothing was written under a foreign lock")
        let failed = try await prometheusSamples(metrics)
        #expect(failed["ttsarchive_last_run_success"]?.first?.value == 0 && failed["ttsarchive_last_run_exit_code"]?.first?.value == 4)
        #expect(
            failed["ttsarchive_last_success_timestamp_seconds"]?.first?.value == Timestamp.parse(manifest.finishedAt)?.timeIntervalSince1970
        )

        // Read-only commands neither take nor wait for the lock.
        let verify = try await ToolProcess.run(["verify", "--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")])
        #expect(verify.status == 0, "verify under a held lock: \(verify.stderr)")

        // status names the holder, read-only (the lock is untouched).
        let status = try await ToolProcess.run(["status", "--json", "--archive", dir.sub("archive"), "--manifests", dir.sub("manifests")])
        #expect(status.status == 0, "\(status.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(((object["lock"] as? [String: Any])?["holder"] as? [String: Any])?["host"] as? String == "build-07.example.net")
        #expect((object["runs"] as? [[String: Any]])?.first?["sha256"] as? String == head.sha256)
        #expect((object["store"] as? [String: Any])?["objects"] as? Int == manifest.counts.objectsNew)
        #expect(FileManager.default.fileExists(atPath: dir.sub("archive/state/LOCK")))

        let broken = try await sim.run(dir, extra: ["--break-lock"])
        #expect(broken.status == 0, "\(broken.stderr)")
        #expect(broken.stderr.contains("took over the archive lock") && broken.stderr.contains("build-07.example.net"))
        close(held)

        // A killed pod's lock: another host's name, nobody holds its flock. Taken over without --break-lock.
        let pod = LockHolder(host: "ttsarchive-7f9c4-xk2p", pid: 1, startedAt: Timestamp.format(Date()), command: "ttsarchive run")
        try JSONEncoder().encode(pod).write(to: URL(fileURLWithPath: dir.sub("archive/state/LOCK")))
        let takenOver = try await sim.run(dir)
        #expect(takenOver.status == 0, "\(takenOver.stderr)")
        #expect(takenOver.stderr.contains("took over the archive lock") && takenOver.stderr.contains("ttsarchive-7f9c4-xk2p"))
        await sim.stop()
    }

    @Test func configFilePrecedenceAndCredentialsFile() async throws {
        let sim = try await smallSim(jobs: 15)
        let dir = ScratchDirectory("ops-config")
        let secret = sim.simulator.config.secretKey
        try
            "HUAWEICLOUD_SDK_AK=\(sim.simulator.config.accessKey)\nHUAWEICLOUD_SDK_SK=\(secret)\nHUAWEICLOUD_SDK_PROJECT_ID=\(sim.simulator.config.projectID)\n"
            .write(toFile: dir.sub("creds"), atomically: true, encoding: .utf8)
        chmod(dir.sub("creds"), 0o644)
        try FileManager.default.createDirectory(atPath: dir.sub("data"), withIntermediateDirectories: true)
        try """
        # ttsarchive.toml
        endpoint = "\(sim.endpoint)"
        archive = "data/archive"
        manifests = "data/manifests"
        concurrency = 3
        credentials_file = "creds"
        """.write(toFile: dir.sub("ttsarchive.toml"), atomically: true, encoding: .utf8)
        let window = ["--since", SimHarness.since, "--until", SimHarness.until]

        // A credentials file others can read is refused, by both commands, without showing it.
        for args in [["config", "check"], ["run"] + window] {
            let refused = try await ToolProcess.run(args, directory: dir.path)
            #expect(refused.status == 2, "\(args): \(refused.stderr)")
            #expect(refused.stderr.contains("readable by group or others") && refused.stderr.contains("chmod 600"))
            #expect(!(refused.stdout + refused.stderr).contains(secret))
        }
        chmod(dir.sub("creds"), 0o600)

        let check = try await ToolProcess.run(["config", "check", "--json", "--concurrency", "5"], directory: dir.path)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(!check.stdout.contains(secret) && !check.stdout.contains(sim.simulator.config.accessKey))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        let settings = Dictionary(
            uniqueKeysWithValues: ((object["settings"] as? [[String: Any]]) ?? []).map { ($0["key"] as? String ?? "", $0) })
        let file = try #require(object["config_file"] as? String)
        #expect(
            settings["concurrency"]?["value"] as? String == "5" && settings["concurrency"]?["source"] as? String == "flag --concurrency")
        #expect(settings["archive"]?["value"] as? String == "\"\(file.dropLast("ttsarchive.toml".count))data/archive\"")
        #expect(settings["archive"]?["source"] as? String == "\(file):3")
        #expect(settings["overlap"]?["source"] as? String == "default")
        #expect(settings["HUAWEICLOUD_SDK_SK"]?["value"] as? String == "******** (set)")
        #expect((settings["HUAWEICLOUD_SDK_SK"]?["source"] as? String)?.hasPrefix("credentials_file ") == true)

        // `run` with no flags uses the file (and its credentials file); a flag overrides it.
        let run = try await ToolProcess.run(["run"] + window, directory: dir.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(manifestFiles(dir.sub("data/manifests")).count == 1)
        #expect(FileManager.default.fileExists(atPath: dir.sub("data/archive/STORE")))
        let flagged = try await ToolProcess.run(["run", "--manifests", "elsewhere"] + window, directory: dir.path)
        #expect(flagged.status == 0, "\(flagged.stderr)")
        #expect(manifestFiles(dir.sub("elsewhere")).count == 1 && manifestFiles(dir.sub("data/manifests")).count == 1)

        // $TTSARCHIVE_CONFIG finds it from anywhere.
        let viaEnvironment = try await ToolProcess.run(["config", "check"], environment: ["TTSARCHIVE_CONFIG": dir.sub("ttsarchive.toml")])
        #expect(viaEnvironment.status == 0 && viaEnvironment.stdout.contains("found by $TTSARCHIVE_CONFIG"), "\(viaEnvironment.stdout)")
        await sim.stop()
    }
}
