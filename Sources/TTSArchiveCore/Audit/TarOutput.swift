import TTSNative
#if canImport(Glibc)
import Glibc
#endif

/// The temp file a tar export writes, through gzip when asked. Blocking.
final class TarOutput {
    let writer: TarWriter
    private let output: POSIXFile
    private let deflater: GzipDeflater?

    /// Refuses an existing `file`; creates `temp`, which the caller removes.
    init(file: String, temp: String, gzip: Bool, mtime: Int64) throws {
        if VerifiedFileWriter.occupied(file) { throw AuditError(.targetExists([file])) }
        do {
            let output = try POSIXFile.createExclusive(temp)
            let deflater = gzip ? try GzipDeflater(profile: BagItExporter.tarGzipProfile) : nil
            self.output = output
            self.deflater = deflater
            writer = TarWriter(mtime: mtime) { bytes in
                if let deflater { try deflater.update(bytes) { try output.write($0) } } else { try output.write(bytes) }
            }
        } catch {
            unlink(temp)
            throw AuditError(.io(path: file, detail: "\(error)"))
        }
    }

    /// The tar's end, gzip's trailer, and the file's bytes durable.
    func finish() throws {
        try writer.finish()
        try deflater?.finish { try output.write($0) }
        try output.sync()
    }
}
