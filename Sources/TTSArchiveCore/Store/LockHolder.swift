import Foundation

/// Who holds the archive lock: the JSON body of `archive/state/LOCK`.
public struct LockHolder: Sendable, Codable, Hashable {
    /// The holder's host name (`gethostname`).
    public var host: String
    public var pid: Int32
    /// When the holder took the lock, ISO 8601.
    public var startedAt: String
    /// What the holder runs, for the message another invocation prints.
    public var command: String

    public init(host: String, pid: Int32, startedAt: String, command: String) {
        self.host = host
        self.pid = pid
        self.startedAt = startedAt
        self.command = command
    }

    enum CodingKeys: String, CodingKey { case host, pid, command, startedAt = "started_at" }

    /// Seconds since the holder took the lock, when its timestamp parses.
    public func age(now: Date) -> TimeInterval? {
        Timestamp.parse(startedAt).map { max(0, now.timeIntervalSince($0)) }
    }
}

/// What an invocation found in an existing LOCK file, as `status` and error messages show it.
public struct LockStatus: Sendable, Codable, Hashable {
    /// The holder, or nil when the file could not be read as a holder (damaged or foreign format).
    public var holder: LockHolder?
    public var path: String
    /// Seconds since the lock was taken (from `started_at`, else the file's modification time).
    public var ageSeconds: Double?
    /// True when the holder claims this host, so its liveness could be checked here.
    public var sameHost: Bool
    /// Whether some process still holds the file's `flock` (the holder is alive), whatever host it names.
    public var alive: Bool?

    enum CodingKeys: String, CodingKey {
        case holder, path, alive
        case ageSeconds = "age_seconds", sameHost = "same_host"
    }

    /// One line for people: who, where, since when.
    public var summary: String {
        let age = ageSeconds.map { " (\(Durations.text($0)) ago)" } ?? ""
        guard let holder else { return "an unreadable lock file \(path)\(age)" }
        let liveness = alive.map { $0 ? ", running" : ", process gone" } ?? ""
        return "`\(holder.command)` (pid \(holder.pid) on host \(holder.host), since \(holder.startedAt)\(age)\(liveness))"
    }
}

/// What to do about a lock another invocation left: a pure decision, tested without files.
public enum LockDecision: Sendable, Equatable {
    /// Why an existing lock may be replaced.
    public enum TakeOverReason: Sendable, Equatable {
        /// Nobody holds the file's `flock` any more (its process died, was killed, or its pod is
        /// gone), whatever host the file names.
        case holderGone
        /// `--break-lock` on another host's or an unreadable lock.
        case broken
    }

    case takeOver(TakeOverReason)
    /// Someone holds it; wait or give up.
    case held
    /// `--break-lock` was asked for, but the holder runs on this host and is alive: breaking it
    /// would let two runs interleave, so it is refused whatever the flag says.
    case refuseToBreakLive

    /// Decides from what was observed. `flockFree` means this process could take the `flock` of
    /// the existing file, which a live holder keeps for its whole life.
    ///
    /// The flock is the truth, whatever host the file names: the name and pid are for people. A
    /// pod gets a new host name on every start, so a lock naming a host that is gone would
    /// otherwise block every later night. A flock held from elsewhere (a shared file system whose
    /// locks span hosts) is a live holder unless an operator breaks it.
    public static func decide(holder: LockHolder?, localHost: String, flockFree: Bool, breakRequested: Bool) -> LockDecision {
        if flockFree { return .takeOver(.holderGone) }
        if let holder, holder.host == localHost {
            return breakRequested ? .refuseToBreakLive : .held
        }
        // Another host's (or an unreadable) lock whose flock is held: its liveness cannot be
        // checked from here, so only an operator who knows that host is down may break it.
        return breakRequested ? .takeOver(.broken) : .held
    }
}

/// Why the archive lock could not be had.
public struct ArchiveLockError: Error, Sendable, CustomStringConvertible, ExitCoded {
    /// What went wrong.
    public enum Code: Sendable, Equatable {
        /// Held by someone else (after waiting `waited` seconds, 0 without `--wait-lock`).
        case held(LockStatus, waited: Double)
        /// `--break-lock` refused: the holder is alive on this host.
        case liveHolder(LockStatus)
        /// The lock file or the state folder could not be created or read.
        case io(path: String, detail: String)
    }

    public let code: Code

    public init(_ code: Code) { self.code = code }

    /// Exit 4: the archive is unusable for now (the contract's "lock held").
    public var exitCode: Int32 { ExitClass.unusableStore.code }

    public var description: String {
        switch code {
        case .held(let status, let waited):
            let after = waited > 0 ? " after waiting \(Durations.text(waited))" : ""
            var text = "the archive is locked by \(status.summary)\(after)"
            if status.sameHost {
                text += "; another run is in progress: let it finish, or pass --wait-lock DURATION"
            } else {
                text += "; if that host is down and nothing runs there any more, pass --break-lock"
            }
            return text
        case .liveHolder(let status):
            return
                "refusing --break-lock: the archive is locked by \(status.summary), which is alive on this host; stop pid \(status.holder?.pid ?? 0) first"
        case .io(let path, let detail):
            return "cannot use the archive lock \(path): \(detail)"
        }
    }
}
