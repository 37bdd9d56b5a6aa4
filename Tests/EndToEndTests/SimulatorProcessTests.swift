import Foundation
import Testing

@Suite("ttsarchive-sim, the executable")
struct SimulatorProcessTests {
    @Test func servesWithCredentialsFromTheEnvironmentAndStopsOnSIGTERM() async throws {
        let dir = ScratchDirectory("sim-exe")
        let portFile = dir.sub("port")
        let process = ToolProcess.configured(
            ToolProcess.simulator,
            ["--jobs", "7", "--window-start", "2025-06-09T00:00:00Z", "--window-end", "2025-06-09T12:00:00Z",
             "--port-file", portFile, "--fault", "download_5xx=0.5", "--link-ttl", "60"],
            environment: ["TTSARCHIVE_AUTH_TOKEN": "token-from-env", "HUAWEICLOUD_SDK_PROJECT_ID": "proj123"])
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = await Self.firstLine(of: out.fileHandleForReading)
        let port = try #require(line.split(separator: ":").last.flatMap { Int($0) })
        #expect(line == "ttsarchive-sim listening on http://127.0.0.1:\(port)")
        #expect((try? String(contentsOfFile: portFile, encoding: .utf8)) == "\(port)\n")

        let url = "http://127.0.0.1:\(port)/v1/proj123/ttsc/tts-jobs?limit=100"
        let listed = try await SimulatorHTTP.request(url, headers: [("X-Auth-Token", "token-from-env")])
        #expect(listed.status == 200 && listed.json?["count"] as? Int == 7)
        #expect(try await SimulatorHTTP.request(url, headers: [("X-Auth-Token", "simulator-token-not-a-real-token-0001")]).status == 401)
        let knobs = try await SimulatorHTTP.request("POST", "http://127.0.0.1:\(port)/__control", body: Array("{}".utf8))
        #expect((knobs.json?["faults"] as? [String: Double])?["download_5xx"] == 0.5)
        #expect(knobs.json?["link_ttl"] as? Double == 60)

        process.terminate()
        let status = await Self.exitStatus(of: process)
        #expect(status == 0)
    }

    @Test func refusesBadFlags() async throws {
        for arguments in [["--fault", "nonsense=0.5"], ["--fault", "flip=2"], ["--ak", "AKIA"], ["--jobs", "-3"],
                          ["--window-start", "yesterday"]] {
            let result = try await ToolProcess.run(arguments, executable: ToolProcess.simulator)
            #expect(result.status != 0, "\(arguments)")
            #expect(!result.stderr.isEmpty, "\(arguments)")
        }
    }

    private static func firstLine(of handle: FileHandle) async -> String {
        await withCheckedContinuation { continuation in
            Thread {
                var data = Data()
                while !data.contains(UInt8(ascii: "\n")) {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    data += chunk
                }
                let text = String(decoding: data, as: UTF8.self)
                continuation.resume(returning: text.split(separator: "\n").first.map(String.init) ?? "")
            }.start()
        }
    }

    private static func exitStatus(of process: Process) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }.start()
        }
    }
}
