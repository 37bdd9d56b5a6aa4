import Foundation
import Testing

@testable import TTSArchiveCore

/// A small simulated night archived into `real/`, and a settings file pointing elsewhere
/// (`fromfile/`), for every command to resolve.
private struct World {
    let sim: SimHarness
    let dir: ScratchDirectory
    let runID: String
    let digest: String
    var real: [String] { ["--archive", dir.sub("real/archive"), "--manifests", dir.sub("real/manifests")] }
    var configFile: String { dir.sub("ttsarchive.toml") }

    static func make() async throws -> World {
        let sim = try await SimHarness.start(jobs: 6, seed: 41) {
            $0.audioMinBytes = 10_000
            $0.audioMaxBytes = 40_000
        }
        let dir = ScratchDirectory("cli-conventions")
        let first = try await ToolProcess.run(
            [
                "run", "--endpoint", sim.endpoint, "--archive", dir.sub("real/archive"), "--manifests", dir.sub("real/manifests"),
                "--since", SimHarness.since, "--until", SimHarness.until,
            ], environment: sim.environment)
        try #require(first.status == 0, "\(first.stderr)")
        let head = try JSONDecoder().decode(
            ManifestHead.self, from: Data(contentsOf: URL(fileURLWithPath: dir.sub("real/manifests/HEAD.json"))))
        let manifest = try JSONDecoder().decode(
            Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: dir.sub("real/manifests/\(head.file)"))))
        let digest = try #require(manifest.jobs.first?.artifacts.first?.sha256)
        try """
        endpoint = "\(sim.endpoint)"
        archive = "fromfile/archive"
        manifests = "fromfile/manifests"
        """.write(toFile: dir.sub("ttsarchive.toml"), atomically: true, encoding: .utf8)
        try "hello\n".write(toFile: dir.sub("hello.txt"), atomically: true, encoding: .utf8)
        return World(sim: sim, dir: dir, runID: manifest.runID, digest: digest)
    }
}

/// What a CLI user expects of every command: one configuration, `--version`, `--json`,
/// `NO_COLOR`, completions.
@Suite("CLI conventions: one configuration for every command, --version, --json, NO_COLOR", .serialized)
struct CLIConventionsTests {
    /// Every subcommand with store or API settings, with arguments that succeed on `real/`.
    private static func commands(_ w: World, _ n: Int) -> [(name: String, args: [String], json: Bool)] {
        [
            ("run", ["run", "--since", SimHarness.since, "--until", SimHarness.until, "--json"], true),
            ("status", ["status", "--json"], true),
            ("report", ["report", "--out", w.dir.sub("report-\(n).html"), "--json"], true),
            ("inventory", ["inventory", "--huawei", "--json"], true),
            ("merge", ["merge", "--run-group", "g\(n)", "--shards", "2", "--json"], true),
            ("verify", ["verify", "--json"], true),
            ("restore", ["restore", "--run", w.runID, "--out", w.dir.sub("restored-\(n)"), "--json"], true),
            ("export", ["export", "--run", w.runID, "--tar", w.dir.sub("bag-\(n).tar"), "--json"], true),
            ("cat", ["cat", w.digest], false),
            ("put", ["put", w.dir.sub("hello.txt"), "--json"], true),
            ("config show", ["config", "show", "--json"], true),
            ("config check", ["config", "check", "--json"], true),
        ]
    }

    @Test func everyCommandResolvesFlagOverEnvironmentOverFile() async throws {
        let w = try await World.make()
        let fromFile = w.dir.sub("fromfile")
        var n = 0
        for command in Self.commands(w, 0) {
            // The file alone: the command works on (or refuses) the file's archive, by name.
            n += 1
            let fileOnly = try await ToolProcess.run(
                Self.commands(w, n).first { $0.name == command.name }!.args + ["--config", w.configFile],
                environment: w.sim.environment, directory: w.dir.path)
            let usedFile = FileManager.default.fileExists(atPath: fromFile) || (fileOnly.stdout + fileOnly.stderr).contains(fromFile)
            #expect(usedFile, "\(command.name) ignored the settings file: \(fileOnly.status) \(fileOnly.stderr)")
            try? FileManager.default.removeItem(atPath: fromFile)

            // The environment over the file, then a flag over both.
            let environmentWins = w.sim.environment.merging(
                ["TTSARCHIVE_ARCHIVE": w.dir.sub("real/archive"), "TTSARCHIVE_MANIFESTS": w.dir.sub("real/manifests")]) { $1 }
            let flagWins = w.sim.environment.merging(
                ["TTSARCHIVE_ARCHIVE": w.dir.sub("nowhere/archive"), "TTSARCHIVE_MANIFESTS": w.dir.sub("nowhere/manifests")]) { $1 }
            for (how, extra, environment) in [("environment", [String](), environmentWins), ("flag", w.real, flagWins)] {
                n += 1
                let args = Self.commands(w, n).first { $0.name == command.name }!.args
                let result = try await ToolProcess.run(
                    args + ["--config", w.configFile] + extra, environment: environment, directory: w.dir.path)
                let output = result.stdout + result.stderr
                let expected: Set<Int32> = command.name == "merge" ? [1] : [0]
                #expect(expected.contains(result.status), "\(command.name) (\(how)): \(result.status) \(result.stderr)")
                #expect(
                    !FileManager.default.fileExists(atPath: fromFile) && !output.contains(fromFile),
                    "\(command.name) (\(how)) used the file")
                #expect(!output.contains("nowhere"), "\(command.name) (\(how)) used the environment over a flag")
                if command.json {
                    #expect(
                        (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) != nil,
                        "\(command.name) --json: \(result.stdout)")
                }
                if command.name == "config show" {
                    let source = how == "flag" ? "flag --archive" : "env TTSARCHIVE_ARCHIVE"
                    #expect(result.stdout.contains("\"source\" : \"\(source)\""), "\(result.stdout)")
                }
            }
        }
        // `list` has no store: the file's endpoint is used, and a flag overrides it.
        let listed = try await ToolProcess.run(
            ["list", "--json", "--since", SimHarness.since, "--until", SimHarness.until, "--config", w.configFile],
            environment: w.sim.environment)
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
        let overridden = try await ToolProcess.run(
            ["list", "--endpoint", "http://127.0.0.1:9", "--config", w.configFile], environment: w.sim.environment)
        #expect(overridden.status != 0 && overridden.stderr.contains("127.0.0.1:9"), "\(overridden.stderr)")
        await w.sim.stop()
    }

    @Test func configCheckRefusesWhatRunRefuses() async throws {
        let w = try await World.make()
        let token = w.dir.sub("token")
        try "tok-0123456789".write(toFile: token, atomically: true, encoding: .utf8)
        chmod(token, 0o640)
        let cases: [(what: String, args: [String], words: String)] = [
            ("a group-readable token file", ["--token-file", token], "readable by group or others"),
            ("plain http to a remote host", ["--endpoint", "http://example.com"], "--allow-http"),
            ("endpoint and region from the same source", ["--endpoint", w.sim.endpoint, "--region", "cn-north-4"], "not both"),
            ("a bad duration", ["--overlap", "15 minutes"], "overlap"),
            ("concurrency out of range", ["--concurrency", "0"], "1…256"),
            (
                "an S3 endpoint over plain http to a remote host",
                ["--archive", "s3://bucket/a", "--manifests", "s3://bucket/m", "--s3-endpoint", "http://s3.example.com"], "--allow-http"
            ),
        ]
        for c in cases {
            for command in [["config", "check"], ["run", "--since", SimHarness.since, "--until", SimHarness.until]] {
                let result = try await ToolProcess.run(
                    command + w.real + ["--config", w.configFile] + c.args, environment: w.sim.environment, directory: w.dir.path)
                #expect(result.status == 2, "\(command[0]) accepted \(c.what): \(result.stdout) \(result.stderr)")
                #expect((result.stdout + result.stderr).contains(c.words), "\(command[0]), \(c.what): \(result.stdout) \(result.stderr)")
                #expect(!(result.stdout + result.stderr).contains("tok-0123456789"))
            }
        }
        chmod(token, 0o600)
        let fine = try await ToolProcess.run(
            ["config", "check", "--token-file", token, "--config", w.configFile] + w.real, environment: w.sim.environment)
        #expect(fine.status == 0, "\(fine.stdout) \(fine.stderr)")
        await w.sim.stop()
    }

    @Test func versionAndCompletions() async throws {
        let version = try await ToolProcess.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout == "ttsarchive \(ToolInfo.version)\n")
        #expect(ToolInfo.version == "0.1.0")
        for shell in ["bash", "zsh", "fish"] {
            let script = try await ToolProcess.run(["--generate-completion-script", shell])
            #expect(script.status == 0, "\(shell): \(script.stderr)")
            #expect(
                script.stdout.contains("ttsarchive") && script.stdout.contains("inventory") && script.stdout.contains("archive"), "\(shell)"
            )
        }
    }

    /// `run`'s progress line on a real terminal (a pty from `script`): escapes without
    /// `NO_COLOR`, none with it.
    @Test func noColorMeansNoEscapeBytes() async throws {
        let sim = try await SimHarness.start(jobs: 4, seed: 43)
        for noColor in [false, true] {
            let dir = ScratchDirectory("no-color")
            let command = ([ToolProcess.ttsarchive] + sim.runArguments(dir)).map { "'\($0)'" }.joined(separator: " ")
            let environment = sim.environment.merging(noColor ? ["NO_COLOR": "1"] : [:]) { $1 }
            let result = try await ToolProcess.run(
                ["-q", "-e", "-c", command, "/dev/null"], executable: "/usr/bin/script", environment: environment)
            #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
            let escapes = (result.stdout + result.stderr).utf8.contains(0x1B)
            #expect(escapes == !noColor, "NO_COLOR=\(noColor): \(result.stdout.debugDescription)")
        }
        await sim.stop()
    }
}
