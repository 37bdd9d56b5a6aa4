import Foundation

/// Runs the built `ttsarchive` (or `ttsarchive-sim`) binary as a child process, as a user would.
struct ToolProcess {
    /// The directory holding the built products: the test bundle sits next to them.
    static let productsDirectory: URL = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = bundle.deletingLastPathComponent()
        // On Linux the test binary is `<products>/ttsarchivePackageTests.xctest`.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("ttsarchive").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }()

    static var ttsarchive: String { productsDirectory.appendingPathComponent("ttsarchive").path }
    static var simulator: String { productsDirectory.appendingPathComponent("ttsarchive-sim").path }

    /// What a finished process left behind.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs to completion. `environment` is added to a minimal environment (PATH, HOME).
    ///
    /// The waiting happens on a thread of its own: blocking a cooperative-pool thread here would
    /// starve the in-process simulator's handlers (two cores, two pool threads) and deadlock.
    static func run(
        _ arguments: [String], executable: String = ToolProcess.ttsarchive, environment: [String: String] = [:],
        stdin: Data? = nil, directory: String? = nil
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Swift.Result {
                    try runBlocking(arguments, executable: executable, environment: environment, stdin: stdin, directory: directory)
                })
            }.start()
        }
    }

    /// Waits for `process` on a thread of its own.
    static func wait(_ process: Process) async {
        await withCheckedContinuation { continuation in
            Thread { process.waitUntilExit(); continuation.resume() }.start()
        }
    }

    /// Reads a pipe to its end on a thread of its own.
    static func readAll(_ pipe: Pipe) async -> Data {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: pipe.fileHandleForReading.readDataToEndOfFile()) }.start()
        }
    }

    private static func runBlocking(
        _ arguments: [String], executable: String, environment: [String: String], stdin: Data?, directory: String?
    ) throws -> Result {
        let process = configured(executable, arguments, environment: environment, directory: directory)
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.value, as: UTF8.self))
    }

    /// A configured, not yet started process.
    static func configured(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String? = nil
    ) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        env.merge(environment) { _, new in new }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        return process
    }
}

/// Data handed from a reader thread.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var done = false
    func set(_ value: Data) { lock.lock(); data = value; done = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return done }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// A fresh temporary directory per test, removed when the test ends.
final class ScratchDirectory: Sendable {
    let path: String
    init(_ name: String = "e2e") {
        path = NSTemporaryDirectory() + "ttsarchive-\(name)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func sub(_ name: String) -> String { path + "/" + name }
}
