import Foundation
import TTSNative

#if canImport(Glibc)
    import Glibc
#endif

/// The archive's exclusive lock, `archive/state/LOCK`: one writer (`run`) at a time.
///
/// The file appears atomically, already complete and already `flock`ed: it is written as a temp
/// file (O_EXCL), locked, fsynced, then `link(2)`ed to `LOCK`, which fails if a lock exists. The
/// `flock` lives as long as the holder's process, so a same-host holder that died is told apart
/// from a live one without trusting its PID; the flock decides whatever host the file names (a
/// restarted pod has a new host name). A stale lock is replaced by `rename(2)` while holding
/// the old file's `flock` and after checking `LOCK` is still that file, so two invocations taking
/// over the same stale lock cannot both win. Blocking calls: use from the I/O pool (``IOPool``).
public final class ArchiveLock: Sendable {
    /// The LOCK file.
    public let path: String
    /// This invocation, as written into the file.
    public let holder: LockHolder
    /// The stale or broken lock this one replaced, if any (for a log line).
    public let replaced: LockStatus?
    private let fd: Int32
    private let released = Locked(false)

    private init(path: String, holder: LockHolder, replaced: LockStatus?, fd: Int32) {
        self.path = path
        self.holder = holder
        self.replaced = replaced
        self.fd = fd
    }

    deinit { release() }

    /// Where an archive's lock lives.
    public static func path(archive: String) -> String { archive + "/state/LOCK" }

    /// This machine's name, without a DNS round trip (Foundation's `hostName` may do one).
    public static func localHost() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Takes the lock, waiting up to `wait` seconds for a holder to finish (polling, without
    /// blocking the cooperative pool). `onWait` hears once that waiting began, and for whom.
    /// Throws ``ArchiveLockError`` when it stays held.
    public static func acquire(
        archive: String, command: String, wait: TimeInterval = 0, breakLock: Bool = false,
        stateDirectory: String? = nil, onWait: (@Sendable (LockStatus) -> Void)? = nil
    ) async throws -> ArchiveLock {
        var patience = LockPatience(wait: wait, maxPause: 2, onWait: onWait)
        while true {
            let attempt = try await IOPool.shared.run {
                try tryAcquire(archive: archive, command: command, breakLock: breakLock, stateDirectory: stateDirectory)
            }
            switch attempt {
            case .acquired(let lock):
                return lock
            case .held(let status):
                try await patience.holdOn(status)
            }
        }
    }

    /// What one attempt got.
    public enum Attempt: Sendable {
        case acquired(ArchiveLock)
        case held(LockStatus)
    }

    /// One attempt, no waiting. `stateDirectory` (default `ARCHIVE/state`) holds the lock: a
    /// shard's own state folder, so shards of one night on one host do not exclude each other.
    public static func tryAcquire(
        archive: String, command: String, breakLock: Bool, stateDirectory: String? = nil, now: Date = Date()
    ) throws -> Attempt {
        let state = stateDirectory ?? archive + "/state"
        do {
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        } catch {
            throw ioError(state, errno == 0 ? EACCES : errno)
        }
        let lockPath = state + "/LOCK"
        let me = LockHolder(host: localHost(), pid: getpid(), startedAt: Timestamp.format(now), command: command)
        // A handful of rounds: each lost race (a holder leaving, another taking over) starts over.
        for _ in 0..<8 {
            let temp = "\(lockPath).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
            let fd = try createLocked(temp, holder: me)
            if link(temp, lockPath) == 0 {
                unlink(temp)
                try? POSIXFile.syncDirectory(state)
                return .acquired(ArchiveLock(path: lockPath, holder: me, replaced: nil, fd: fd))
            }
            let linkErrno = errno
            guard linkErrno == EEXIST else {
                discard(temp, fd)
                throw ioError(lockPath, linkErrno)
            }
            let existing = open(lockPath, O_RDONLY | O_CLOEXEC)
            guard existing >= 0 else {
                discard(temp, fd)
                if errno == ENOENT { continue }  // released meanwhile
                throw ioError(lockPath, errno)
            }
            defer { close(existing) }
            let flockFree = flock(existing, LOCK_EX | LOCK_NB) == 0
            var status = describe(fd: existing, path: lockPath, now: now, localHost: me.host)
            status.alive = !flockFree
            switch LockDecision.decide(holder: status.holder, localHost: me.host, flockFree: flockFree, breakRequested: breakLock) {
            case .held:
                discard(temp, fd)
                return .held(status)
            case .refuseToBreakLive:
                discard(temp, fd)
                throw ArchiveLockError(.liveHolder(status))
            case .takeOver:
                let replaced: Bool
                do {
                    replaced = try replace(stale: existing, verified: flockFree, with: temp, at: lockPath)
                } catch {
                    discard(temp, fd)
                    throw error
                }
                guard replaced else {
                    discard(temp, fd)
                    continue
                }
                try? POSIXFile.syncDirectory(state)
                return .acquired(ArchiveLock(path: lockPath, holder: me, replaced: status, fd: fd))
            }
        }
        throw ArchiveLockError(.io(path: lockPath, detail: "the lock changed hands too often to be taken; try again"))
    }

    /// Reads the lock without taking it, for `status`. Nil when there is no lock.
    public static func inspect(archive: String, now: Date = Date()) -> LockStatus? {
        let lockPath = path(archive: archive)
        let fd = open(lockPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var status = describe(fd: fd, path: lockPath, now: now, localHost: localHost())
        // A shared, immediately dropped flock: succeeds only when no live holder keeps its own.
        let free = flock(fd, LOCK_SH | LOCK_NB) == 0
        if free { flock(fd, LOCK_UN) }
        status.alive = !free
        return status
    }

    /// Removes LOCK if it is still this invocation's, then drops the flock. Idempotent.
    public func release() {
        let first = released.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        if Self.sameFile(fd, path) { unlink(path) }
        close(fd)
    }

    // MARK: - Files

    private static func createLocked(_ temp: String, holder: LockHolder) throws -> Int32 {
        let fd = open(temp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ioError(temp, errno) }
        do {
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { throw ioError(temp, errno) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let bytes = Array(try encoder.encode(holder)) + [0x0a]
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw ioError(temp, errno) }
                offset += n
            }
            guard fsync(fd) == 0 else { throw ioError(temp, errno) }
            return fd
        } catch {
            discard(temp, fd)
            throw error
        }
    }

    /// Renames `temp` over `lockPath`, which must still name `stale` (open, and flocked by us
    /// when `verified`): an invocation that lost the race to take over the same stale lock finds
    /// LOCK replaced or gone, returns false and starts over. Forced breaks (not `verified`: the
    /// flock is another host's) replace whatever is there.
    static func replace(stale: Int32, verified: Bool, with temp: String, at lockPath: String) throws -> Bool {
        if verified && !sameFile(stale, lockPath) { return false }
        guard rename(temp, lockPath) == 0 else {
            let code = errno
            unlink(temp)
            throw ioError(lockPath, code)
        }
        return true
    }

    private static func discard(_ temp: String, _ fd: Int32) {
        unlink(temp)
        close(fd)
    }

    private static func describe(fd: Int32, path: String, now: Date, localHost: String) -> LockStatus {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65536 {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        let holder = try? JSONDecoder().decode(LockHolder.self, from: Data(bytes))
        var info = stat()
        let modified = fstat(fd, &info) == 0 ? Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec)) : nil
        let age = holder?.age(now: now) ?? modified.map { max(0, now.timeIntervalSince($0)) }
        return LockStatus(holder: holder, path: path, ageSeconds: age, sameHost: holder?.host == localHost, alive: nil)
    }

    /// True when `path` names the file open as `fd` (same device and inode).
    private static func sameFile(_ fd: Int32, _ path: String) -> Bool {
        var open = stat(), named = stat()
        guard fstat(fd, &open) == 0, stat(path, &named) == 0 else { return false }
        return open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }

    private static func ioError(_ path: String, _ code: Int32) -> ArchiveLockError {
        ArchiveLockError(.io(path: path, detail: String(cString: strerror(code))))
    }
}
