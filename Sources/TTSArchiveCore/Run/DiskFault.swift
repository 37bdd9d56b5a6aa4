import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A fault of the disk under the store, the state or the manifests (ENOSPC, EDQUOT, EROFS, EIO):
/// not one artifact's failure but the night's. The run stops taking work, writes no manifest
/// (nothing that could claim completeness), leaves its window open (`state/active.journal`
/// stays), and exits 4. The next run, once the disk is usable, resumes the window and fetches
/// only what its journal does not record as stored.
public struct DiskFault: Error, Sendable, CustomStringConvertible, ExitCoded {
    public var underlying: StoreError
    /// Bytes free for an unprivileged writer on the device holding `underlying.path`, when known.
    public var freeBytes: Int64?

    /// The disk fault `error` is, or nil when it is something else.
    public init?(_ error: any Error) {
        if let fault = error as? DiskFault {
            self = fault
            return
        }
        guard let store = error as? StoreError, Self.isDiskFault(store.code) else { return nil }
        underlying = store
        freeBytes = Self.freeBytes(near: store.path)
    }

    /// Codes that say the disk, not the artifact, is at fault.
    static func isDiskFault(_ code: StoreError.Code) -> Bool {
        switch code {
        case .diskFull, .notWritable, .io: true
        default: false
        }
    }

    public var exitCode: Int32 { ExitClass.unusableStore.code }

    public var description: String {
        let free = freeBytes.map { ", \(Self.format($0)) free" } ?? ""
        return "\(underlying)\(free); the run stopped and its window stays open: once the disk is usable, run again (it fetches only what is missing)"
    }

    /// `statvfs` of the nearest existing directory on the way up from `path`.
    static func freeBytes(near path: String) -> Int64? {
        var candidate = path
        while !candidate.isEmpty {
            var info = statvfs()
            if statvfs(candidate, &info) == 0 { return Int64(info.f_bavail) * Int64(info.f_frsize) }
            let parent = (candidate as NSString).deletingLastPathComponent
            if parent == candidate { break }
            candidate = parent
        }
        return nil
    }

    static func format(_ bytes: Int64) -> String {
        if bytes < 1 << 20 { return "\(bytes) bytes" }
        return String(format: "%.1f MiB", Double(bytes) / Double(1 << 20))
    }
}
