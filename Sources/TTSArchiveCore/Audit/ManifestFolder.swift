import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Read access to a manifests folder for auditing: it never creates or changes anything, and
/// only opens names it listed itself or that passed ``SafePathComponent/isPlain(_:)``.
struct ManifestFolder: Sendable {
    /// Why a file could not be read.
    enum ReadFailure: Error, Sendable, Equatable {
        case missing
        case unreadable(String)
    }

    let path: String

    /// Opens an existing folder; throws ``TTSArchiveError`` (`.unusableState`) when it is not a
    /// readable directory.
    init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TTSArchiveError(.unusableState, "the manifests folder does not exist", path: path, fix: "point --manifests at it")
        }
        guard isDirectory.boolValue else {
            throw TTSArchiveError(.unusableState, "not a directory", path: path, fix: "point --manifests at the manifests folder")
        }
        guard access(path, R_OK | X_OK) == 0 else {
            throw TTSArchiveError(.unusableState, "the manifests folder is not readable by this user", path: path, fix: "run as its owner or fix its permissions")
        }
        self.path = path
    }

    /// A folder used as found (the directory of a `--manifest FILE`).
    init(unchecked path: String) { self.path = path }

    /// How problems name a file of this folder.
    func display(_ name: String) -> String { path + "/" + name }

    /// `<name>.json` files other than HEAD.json: the manifests, by name. Temp files a crashed
    /// writer left (`*.tmp`) are not manifests and are ignored.
    func manifestNames() throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw TTSArchiveError(.unusableState, "cannot list the manifests folder", path: path, fix: "\(error.localizedDescription); check the disk and permissions")
        }
        // inventory-*.json are inventory manifests, with their own chain (see Inventory/).
        return names.filter { $0.hasSuffix(".json") && $0 != "HEAD.json" && !$0.hasPrefix(".") && !$0.hasPrefix("inventory-") }.sorted()
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: display(name)) }

    /// The file's bytes.
    func read(_ name: String) -> Result<[UInt8], ReadFailure> {
        let full = display(name)
        let fd = open(full, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            return .failure(code == ENOENT ? .missing : .unreadable("cannot be read: \(String(cString: strerror(code)))"))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.unreadable("cannot be read: \(String(cString: strerror(errno)))"))
            }
            if n == 0 { return .success(bytes) }
            bytes += buffer[0..<n]
        }
    }
}
