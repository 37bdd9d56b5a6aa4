import Foundation
import TTSArchiveCore

/// What would stop `run` before it touches the archive. `run` throws the first of these and
/// `config check` prints them all: one list, so the check cannot pass what the run refuses.
enum RunPreflight {
    /// Every problem, in the order `run` would meet them (none when a run would start).
    static func problems(
        store: StoreOptions, api: APIOptions, ops: RunOpsOptions, dryRun: Bool = false, environment: [String: String]
    ) -> [any Error] {
        var problems: [any Error] = []
        func check(_ body: () throws -> Void) {
            do { try body() } catch { problems.append(error) }
        }
        check { try store.validate() }
        // What opening an s3:// archive checks first: the location, the endpoint's scheme, the keys.
        for (flag, location) in [("--archive", store.archive), ("--manifests", store.manifests)] where S3Location.looksLikeS3(location) {
            if S3Location(location) == nil {
                problems.append(TTSArchiveError(.configuration, "\(flag) '\(location)' is not s3://BUCKET[/PREFIX]", fix: "a bucket name is 3–63 of a-z 0-9 . -"))
            }
        }
        if store.usesS3, let endpoint = store.s3Endpoint {
            check { _ = try Endpoint(endpoint, allowHTTP: api.allowHTTP) }
            check { _ = try S3Credentials.fromEnvironment(environment) }
        }
        check { _ = try api.resolvedEndpoint() }
        check { _ = try HuaweiCredentials.load(environment: environment, tokenFile: api.tokenFile) }
        // A named token file is a secret on disk even when AK/SK win: one others can read is
        // refused whichever credentials the run would use.
        if let tokenFile = api.tokenFile { check { _ = try SecretFile.read(tokenFile, what: "token file") } }
        check { _ = try HuaweiCredentials.projectID(explicit: api.projectID, environment: environment) }
        check { try MetricsRecorder(path: dryRun ? nil : ops.metricsFile, manifests: store.manifests).checkWritable() }
        var seen: Set<String> = []
        return problems.filter { seen.insert("\($0)").inserted }
    }
}
