import Foundation
import Testing

@testable import TTSArchiveCore

@Suite("The archive lock: one writer at a time")
struct OpsLockTests {
    @Test func decisions() {
        let here = LockHolder(host: "web-1", pid: 42, startedAt: "2025-06-09T02:00:00Z", command: "ttsarchive run")
        var there = here
        there.host = "web-2"
        #expect(LockDecision.decide(holder: here, localHost: "web-1", flockFree: true, breakRequested: false) == .takeOver(.holderGone))
        #expect(LockDecision.decide(holder: here, localHost: "web-1", flockFree: false, breakRequested: false) == .held)
        #expect(LockDecision.decide(holder: here, localHost: "web-1", flockFree: false, breakRequested: true) == .refuseToBreakLive)
        // The flock is the truth whatever host the file names: free means nobody holds it.
        #expect(LockDecision.decide(holder: there, localHost: "web-1", flockFree: true, breakRequested: false) == .takeOver(.holderGone))
        #expect(LockDecision.decide(holder: nil, localHost: "web-1", flockFree: true, breakRequested: false) == .takeOver(.holderGone))
        // Another host's held flock (a shared file system): only --break-lock replaces it.
        #expect(LockDecision.decide(holder: there, localHost: "web-1", flockFree: false, breakRequested: false) == .held)
        #expect(LockDecision.decide(holder: there, localHost: "web-1", flockFree: false, breakRequested: true) == .takeOver(.broken))
        #expect(LockDecision.decide(holder: nil, localHost: "web-1", flockFree: false, breakRequested: false) == .held)
        #expect(LockDecision.decide(holder: nil, localHost: "web-1", flockFree: false, breakRequested: true) == .takeOver(.broken))
    }

    @Test func secondAttemptSeesTheHolderUntilReleased() throws {
        let dir = TestDirectory("lock")
        guard case .acquired(let lock) = try ArchiveLock.tryAcquire(archive: dir.path, command: "ttsarchive run A", breakLock: false) else {
            Issue.record("first attempt did not get the lock")
            return
        }
        let written = try JSONDecoder().decode(LockHolder.self, from: Data(contentsOf: URL(fileURLWithPath: dir.sub("state/LOCK"))))
        #expect(written == lock.holder)
        #expect(written.pid == getpid() && written.host == ArchiveLock.localHost() && written.command == "ttsarchive run A")
        guard case .held(let status) = try ArchiveLock.tryAcquire(archive: dir.path, command: "ttsarchive run B", breakLock: false) else {
            Issue.record("second attempt got the lock")
            return
        }
        #expect(status.holder == lock.holder)
        #expect(status.sameHost && status.alive == true)
        #expect(ArchiveLock.inspect(archive: dir.path)?.alive == true)
        // A live holder on this host is never broken.
        #expect(throws: ArchiveLockError.self) { try ArchiveLock.tryAcquire(archive: dir.path, command: "B", breakLock: true) }
        lock.release()
        #expect(!FileManager.default.fileExists(atPath: dir.sub("state/LOCK")))
        #expect(ArchiveLock.inspect(archive: dir.path) == nil)
        guard case .acquired(let again) = try ArchiveLock.tryAcquire(archive: dir.path, command: "B", breakLock: false) else {
            Issue.record("not free after release")
            return
        }
        again.release()
        // Only the lock file itself is left behind by nobody: no temp files.
        #expect((try FileManager.default.contentsOfDirectory(atPath: dir.sub("state"))).isEmpty)
    }

    @Test func deadHolderOnThisHostIsTakenOver() throws {
        let dir = TestDirectory("stale")
        try FileManager.default.createDirectory(atPath: dir.sub("state"), withIntermediateDirectories: true)
        let dead = LockHolder(host: ArchiveLock.localHost(), pid: deadPID(), startedAt: "2025-06-09T02:00:00Z", command: "ttsarchive run")
        try JSONEncoder().encode(dead).write(to: URL(fileURLWithPath: dir.sub("state/LOCK")))
        #expect(ArchiveLock.inspect(archive: dir.path)?.alive == false)
        guard case .acquired(let lock) = try ArchiveLock.tryAcquire(archive: dir.path, command: "new", breakLock: false) else {
            Issue.record("stale lock not taken over")
            return
        }
        #expect(lock.replaced?.holder == dead)
        #expect(
            try JSONDecoder().decode(LockHolder.self, from: Data(contentsOf: URL(fileURLWithPath: dir.sub("state/LOCK")))).command == "new")
        lock.release()
    }

    @Test func foreignHolderIsReportedAndBrokenOnlyOnRequest() async throws {
        let dir = TestDirectory("foreign")
        try FileManager.default.createDirectory(atPath: dir.sub("state"), withIntermediateDirectories: true)
        let started = Date().addingTimeInterval(-3725)
        let foreign = LockHolder(host: "build-07.example.net", pid: 4242, startedAt: Timestamp.format(started), command: "ttsarchive run")
        try JSONEncoder().encode(foreign).write(to: URL(fileURLWithPath: dir.sub("state/LOCK")))
        // Its holder keeps the flock (as over a shared file system): a live foreign holder.
        let held = open(dir.sub("state/LOCK"), O_RDONLY)
        defer { close(held) }
        #expect(flock(held, LOCK_EX | LOCK_NB) == 0)
        do {
            _ = try await ArchiveLock.acquire(archive: dir.path, command: "me", wait: 0.3)
            Issue.record("foreign lock ignored")
        } catch let error as ArchiveLockError {
            guard case .held(let status, let waited) = error.code else {
                Issue.record("\(error)")
                return
            }
            #expect(status.holder == foreign && !status.sameHost && status.alive == true)
            #expect(waited >= 0.3)
            #expect(abs((status.ageSeconds ?? 0) - 3725) < 5)
            #expect(error.description.contains("build-07.example.net") && error.description.contains("pid 4242"))
            #expect(error.description.contains("1h 02m ago") && error.description.contains("--break-lock"))
            #expect(error.exitCode == 4)
        }
        let lock = try await ArchiveLock.acquire(archive: dir.path, command: "me", breakLock: true)
        #expect(lock.replaced?.holder == foreign)
        lock.release()
    }

    @Test func aLockNamingAnotherHostWithAFreeFlockIsTakenOver() throws {
        // A killed pod: its lock names a host that will never exist again, and nobody holds the flock.
        let dir = TestDirectory("gone-pod")
        try FileManager.default.createDirectory(atPath: dir.sub("state"), withIntermediateDirectories: true)
        let gone = LockHolder(host: "ttsarchive-7f9c4-xk2p", pid: 1, startedAt: "2025-06-09T02:00:00Z", command: "ttsarchive run")
        try JSONEncoder().encode(gone).write(to: URL(fileURLWithPath: dir.sub("state/LOCK")))
        #expect(ArchiveLock.inspect(archive: dir.path)?.alive == false)
        guard case .acquired(let lock) = try ArchiveLock.tryAcquire(archive: dir.path, command: "new", breakLock: false) else {
            Issue.record("a lock with a free flock naming another host was not taken over")
            return
        }
        #expect(lock.replaced?.holder == gone)
        let onDisk = try JSONDecoder().decode(LockHolder.self, from: Data(contentsOf: URL(fileURLWithPath: dir.sub("state/LOCK"))))
        #expect(onDisk.command == "new" && onDisk.host == ArchiveLock.localHost())
        lock.release()
    }

    @Test func racersForOneStaleLockProduceExactlyOneWinner() async throws {
        for round in 0..<5 {
            let dir = TestDirectory("race\(round)")
            try FileManager.default.createDirectory(atPath: dir.sub("state"), withIntermediateDirectories: true)
            let dead = LockHolder(host: ArchiveLock.localHost(), pid: deadPID(), startedAt: "2025-06-09T02:00:00Z", command: "old")
            try JSONEncoder().encode(dead).write(to: URL(fileURLWithPath: dir.sub("state/LOCK")))
            let path = dir.path
            let won = await withTaskGroup(of: ArchiveLock?.self) { group in
                for n in 0..<8 {
                    group.addTask {
                        let attempt = try? await IOPool.shared.run {
                            try ArchiveLock.tryAcquire(archive: path, command: "racer \(n)", breakLock: false)
                        }
                        if case .acquired(let lock)? = attempt { return lock }
                        return nil
                    }
                }
                var winners: [ArchiveLock] = []
                for await lock in group { if let lock { winners.append(lock) } }
                return winners
            }
            #expect(won.count == 1, "round \(round): \(won.count) winners")
            let onDisk = try JSONDecoder().decode(LockHolder.self, from: Data(contentsOf: URL(fileURLWithPath: dir.sub("state/LOCK"))))
            #expect(onDisk == won.first?.holder)
            won.forEach { $0.release() }
        }
    }

    @Test func aLateRacerDoesNotReplaceTheWinnersLock() throws {
        let dir = TestDirectory("late")
        let lock = dir.sub("LOCK")
        try Data("stale\n".utf8).write(to: URL(fileURLWithPath: lock))
        // The late racer opened and flocked the stale file…
        let stale = open(lock, O_RDONLY)
        defer { close(stale) }
        #expect(flock(stale, LOCK_EX | LOCK_NB) == 0)
        // …but the winner replaced it meanwhile.
        try Data("winner\n".utf8).write(to: URL(fileURLWithPath: dir.sub("winner.tmp")))
        #expect(rename(dir.sub("winner.tmp"), lock) == 0)
        try Data("late\n".utf8).write(to: URL(fileURLWithPath: dir.sub("late.tmp")))
        #expect(try ArchiveLock.replace(stale: stale, verified: true, with: dir.sub("late.tmp"), at: lock) == false)
        #expect(try String(contentsOfFile: lock, encoding: .utf8) == "winner\n")
        // A forced break (another host's lock) replaces whatever is there.
        #expect(try ArchiveLock.replace(stale: stale, verified: false, with: dir.sub("late.tmp"), at: lock))
        #expect(try String(contentsOfFile: lock, encoding: .utf8) == "late\n")
    }
}

/// A PID that belonged to a process which has exited (and was reaped).
func deadPID() -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try? process.run()
    process.waitUntilExit()
    return process.processIdentifier
}
