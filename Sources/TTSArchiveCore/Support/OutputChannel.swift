import Foundation
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// One of the process's output descriptors (standard output, standard error), written with
/// `write(2)` loops that return errors instead of trapping.
///
/// Foundation's file handle `write` traps on EBADF, ENOSPC, EPIPE or EISDIR, which kills a cron
/// job whose stderr is closed or whose log pipe's reader died. Every byte the tool prints goes
/// through here instead. The first failure is remembered and later writes are dropped, so a
/// command can finish its real work (the manifest) and decide its exit status at the end.
/// Needs SIGPIPE ignored (the CLI does that at its start), or EPIPE arrives as a signal.
// @unchecked: `failed` is only touched under `lock` (an NSLock, not `Locked`, because the lock is
// held across the write(2) loop: lines from several threads must not interleave).
public final class OutputChannel: @unchecked Sendable {
    /// File descriptor 1.
    public static let standardOutput = OutputChannel(FileDescriptor.standardOutput, name: "standard output")
    /// File descriptor 2.
    public static let standardError = OutputChannel(FileDescriptor.standardError, name: "standard error")

    /// What name the errors use for this channel.
    public let name: String
    private let descriptor: FileDescriptor
    private let lock = NSLock()
    private var failed: OutputError?

    /// A channel over `descriptor`, which the caller keeps open for the channel's lifetime.
    public init(_ descriptor: FileDescriptor, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    /// Call first thing in a process: a descriptor 0, 1 or 2 that the parent closed (`>&-`)
    /// would be handed to the next file or socket the tool opens, and a report "to stdout"
    /// would land in a manifest or a TLS stream. Each closed one is re-opened on /dev/null, and
    /// its channel starts out failed with EBADF, as if the first write had been refused.
    public static func occupyClosedStandardDescriptors() {
        for (fd, channel) in [(Int32(0), nil), (1, standardOutput), (2, standardError)] as [(Int32, OutputChannel?)] {
            guard fcntl(fd, F_GETFD) == -1 && errno == EBADF else { continue }
            // open() returns the lowest free descriptor: this very one.
            let opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if opened >= 0 && opened != fd { close(opened) }
            channel?.fail(OutputError(channel: channel?.name ?? "", errno: .badFileDescriptor))
        }
    }

    private func fail(_ failure: OutputError) {
        lock.lock(); defer { lock.unlock() }
        if failed == nil { failed = failure }
    }

    /// The first write failure, if any: every write since then was dropped.
    public var failure: OutputError? {
        lock.lock(); defer { lock.unlock() }
        return failed
    }

    /// Writes all of `bytes`, or throws the failure (also after an earlier one, without writing).
    public func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        lock.lock(); defer { lock.unlock() }
        if let failed { throw failed }
        do {
            // writeAll retries short writes and EINTR.
            _ = try descriptor.writeAll(bytes)
        } catch {
            let failure = OutputError(channel: name, errno: (error as? Errno) ?? .ioError)
            failed = failure
            throw failure
        }
    }

    /// Writes `text` as UTF-8.
    public func write(_ text: String) throws(OutputError) {
        var text = text
        let result: Result<Void, OutputError> = text.withUTF8 { buffer in
            do throws(OutputError) {
                try write(UnsafeRawBufferPointer(buffer))
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Writes `text`, remembering (not throwing) a failure: for reports whose loss must not
    /// stop the work that produced them. Callers check ``failure`` at the end.
    public func emit(_ text: String) {
        try? write(text)
    }
}

/// A write to standard output or standard error failed.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    /// Which channel: "standard output" or "standard error".
    public let channel: String
    /// The `write(2)` error.
    public let errno: Errno

    /// The reader went away (EPIPE): like `git log | head`, nothing is wrong with the command.
    public var readerGone: Bool { errno == .brokenPipe }

    public var description: String {
        let hint: String
        switch errno {
        case .noSpace: hint = "the disk or device is full"
        case .badFileDescriptor: hint = "it is closed (started with >&- or 2>&-?)"
        case .brokenPipe: hint = "the reading end of the pipe was closed"
        case .isDirectory: hint = "it is a directory"
        default: hint = errno.description
        }
        return "cannot write \(channel): \(hint)"
    }
}
