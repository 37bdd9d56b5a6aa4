import Foundation
import TTSNative
import Hummingbird
public import Logging
import NIOCore
import ServiceLifecycle

/// A Huawei Cloud MetaStudio simulator: a real HTTP server on 127.0.0.1 that every test, demo
/// and benchmark of ttsarchive talks to over sockets.
///
/// ## Endpoints
/// - `GET /v1/{project_id}/ttsc/tts-jobs` — ShowTtsJob: `limit` (1…100, default 10), `offset`,
///   `create_since` / `create_until` (RFC 3339, both inclusive), `job_id`, `job_type`,
///   `tts_service_enum`, `business_type`. Newest first. 400 `MSS.000000003` for a bad
///   parameter, 401 `MSS.000000004` for missing/bad credentials (a token in `X-Auth-Token`,
///   or an SDK-HMAC-SHA256 signature plus `X-Project-Id` equal to the path's project), 403
///   `MSS.000000004` for another project.
/// - `GET /v1/{project_id}/voice-training-manage/quotas` — ShowVoiceTrainingQuotas, `offset`/`limit`.
/// - `GET|HEAD /obs/<bucket>/<key>?AccessKeyId=…&Expires=…&Signature=…` — the download links
///   the listing mints (valid `link_ttl` seconds from the listing). Expired: 403 XML
///   `AccessDenied` "Request has expired"; bad signature: 403 `SignatureDoesNotMatch`. Single
///   `Range` requests (206 / 416), quoted-MD5 `ETag`, `Content-Length`, `Content-Type`.
/// - `GET /__stats`, `POST /__control` (a ``ControlPatch`` as JSON), `POST /__reset_stats`
///   (zeroes the counters and forgets fault attempts). No auth.
/// Every response carries `X-Request-Id`.
///
/// ## The world
/// Deterministic from `seed`: `job_count` jobs spread over the window, ~90% SUCCEED (then
/// WAITING, PROCESSING, FAILED per `state_mix`). A SUCCEED job has one `files[]` entry (two for
/// `second_file_fraction`): audio (WAV 16/24 kHz mono 16-bit, MP3 with ID3v2 and 128 kbit/s
/// frames, or raw PCM), a timestamp JSON when `need_timestamp`, an SRT when `gen_srt` (cues
/// end within 90% of the audio's shortest plausible duration), and often an action JSON (four
/// variants, so many are identical). `shared_audio_fraction` of the jobs reuse an earlier
/// job's files byte for byte. Bytes are made on demand from a seeded speech-like waveform
/// (gzip -1 ≈ 0.8), streamed in chunks; only MD5s are cached. `appear_per_page` inserts new
/// jobs inside the listed range after every page without `job_id`, so offsets drift.
/// `pending_become_succeeded_after` makes a share of pending jobs SUCCEED that many seconds
/// after start.
///
/// ## Faults (`--fault NAME=RATE`, `faults` in `/__control`, counted in `/__stats` `faults`)
/// Transient faults, decided per request by ``FaultMode``. In the default `first_attempts` mode
/// an object (or a listing query, i.e. the same page) is faulty for a fault when
/// `hash(seed, fault, key) < rate`; only its first `fault_attempts` (default 1) requests get
/// the fault, so a retry succeeds. Where several apply, the first in this order wins.
/// - listing: `list_5xx` (500 MSS.000000002), `list_429` (429, `Retry-After: 1`),
///   `malformed_json` (200 with the body cut at two thirds).
/// - download (GET only; HEAD is never faulted this way): `download_5xx` (503 XML),
///   `download_429` (429 XML, `Retry-After: 1`), `reset` (half the body, then RST), `truncate`
///   (half the body, then FIN), `flip` (one byte XOR 0xFF, same length and ETag), `trickle`
///   (tiny chunks with pauses for `trickle_max_seconds`).
/// In `random` mode every request draws against every rate; retries may fail again.
///
/// Persistent faults, fixed per job or per object, every request alike:
/// - `hostile_job_id`, `bad_record`: decided when a job is created (rate at that moment; a
///   `/__control` change affects only jobs that appear later). Hostile ids are
///   `../../etc/passwd`, `..\..\Windows\win.ini`, `/etc/shadow`, … then
///   `../../tmp/ttsarchive-<uid>`, all distinct. A bad record lacks `job_id` or has a field of
///   the wrong type; `count` still includes it.
/// - `foreign_host` (link minted for `http://198.51.100.7/…`), `redirect_file` (302 to
///   `file:///etc/passwd`), `absurd_length` (`Content-Length` of `absurd_content_length`,
///   default 1 TiB; up to 1 MiB of real bytes, then the connection closes): an object is
///   affected while `hash(seed, fault, key) < rate`.
/// - `bandwidth`: a global token bucket over all download bytes.
///
/// ## Knobs (``SimulatorConfig``; JSON keys as in `--config`, flags of `ttsarchive-sim`)
/// World, fixed at start: `seed` (`--seed`), `job_count` (`--jobs`, 500), `window_start` /
/// `window_end` (`--window-start/--window-end`, default the last 24 h), `state_mix`,
/// `format_mix`, `audio_min_bytes` / `audio_max_bytes` (50 KB / 2 MB), `giant_audio_bytes` /
/// `giant_audio_count` (the oldest SUCCEED job(s) get one WAV of exactly that size, never
/// shared), `shared_audio_fraction` (0.05), `second_file_fraction`, `timestamp_fraction`,
/// `subtitle_fraction`, `action_fraction`, `pending_succeed_fraction`, `project_id`, `bucket`,
/// `chunk_bytes`, `absurd_content_length`. Credentials (`access_key`, `secret_key`,
/// `auth_token`) only from code or the environment.
/// Runtime, also through `/__control`: `link_ttl` (3600), `bandwidth` (none; 0 in a patch
/// removes it), `appear_per_page` (0), `faults`, `fault_mode`, `fault_attempts` (1),
/// `trickle_chunk_bytes` (512), `trickle_delay_ms` (100), `trickle_max_seconds` (3),
/// `pending_become_succeeded_after` (none; negative in a patch switches it off).
public final class MetaStudioSimulator: Sendable {
    private let core: SimulatorCore
    private let server = Locked<(group: ServiceGroup, task: Task<Void, Never>)?>(nil)
    /// The config as given, checked by ``start()``.
    private let requested: SimulatorConfig

    /// A simulator for `config`; the world is generated here, the server starts in ``start()``.
    public init(config: SimulatorConfig, logger: Logger = Logger(label: "ttsarchive-sim", factory: { _ in SwiftLogNoOpLogHandler() })) {
        core = SimulatorCore(config: config.sanitized, logger: logger)
        requested = config
    }

    /// The start-up configuration.
    public var config: SimulatorConfig { core.config }

    /// `http://127.0.0.1:PORT` once started.
    public var baseURL: String { core.baseURL }

    /// The bound port once started, else 0.
    public var port: Int { core.port }

    /// Binds 127.0.0.1:`config.port` (0 = any free port), serves in the background, and
    /// returns the port. Throws ``SimulatorConfigError`` for a config that ``SimulatorConfig/validate()``
    /// refuses; a second call returns the port already bound.
    public func start() async throws -> Int {
        try requested.validate()
        if server.withLock({ $0 != nil }), core.port != 0 { return core.port }
        let (events, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let core = self.core
        let app = Application(
            responder: SimulatorResponder(core: core),
            configuration: .init(address: .hostname("127.0.0.1", port: core.config.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                core.markStarted(port: port)
                continuation.yield(.success(port))
            },
            logger: core.logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: core.logger))
        let task = Task {
            do {
                try await group.run()
                continuation.yield(.failure(SimulatorError.stoppedBeforeListening))
            } catch {
                continuation.yield(.failure(error))
            }
            continuation.finish()
        }
        server.withLock { $0 = (group, task) }
        for await event in events {
            let port = try event.get()
            core.logger.debug("simulator listening", metadata: ["port": "\(port)"])
            Task.detached(priority: .background) { [core] in await Self.warmGiantETags(core) }
            return port
        }
        throw SimulatorError.stoppedBeforeListening
    }

    /// Stops the server and waits for it: no new connections, transfers in flight get
    /// `grace` seconds to finish, then they are cut.
    public func shutdown(grace: Double = 1) async {
        guard let (group, task) = server.withLock({ server in defer { server = nil }; return server }) else { return }
        await group.triggerGracefulShutdown()
        let deadline = Task {
            try? await Task.sleep(for: .milliseconds(Int64(grace * 1000)))
            task.cancel()
        }
        await task.value
        deadline.cancel()
    }

    /// Applies a runtime patch, as `POST /__control` does; returns the knobs now in force.
    @discardableResult
    public func apply(_ patch: ControlPatch) throws(SimulatorConfigError) -> RuntimeKnobs {
        try core.knobs.withLock { knobs throws(SimulatorConfigError) -> RuntimeKnobs in
            try knobs.apply(patch)
            return knobs
        }
    }

    /// The counters, as `GET /__stats` returns them.
    public func stats() -> SimulatorStatsSnapshot { core.stats.snapshot }

    /// Zeroes the counters and forgets fault attempts, as `POST /__reset_stats` does.
    public func resetStats() {
        core.stats.reset()
        core.planner.withLock { $0.resetAttempts() }
    }

    /// The object key of a link this simulator minted (the `/__stats` `objects` key), or nil.
    public static func objectKey(ofLink link: String) -> String? {
        guard let path = URLComponents(string: link)?.path, path.hasPrefix("/obs/") else { return nil }
        let rest = path.dropFirst("/obs/".count)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        return String(rest[rest.index(after: slash)...])
    }

    /// Giant files would otherwise make their first request wait seconds for the MD5.
    private static func warmGiantETags(_ core: SimulatorCore) async {
        guard let giant = core.config.giantAudioBytes, giant >= 64 << 20 else { return }
        let contents = core.world.withLock { world in
            world.jobs.flatMap { $0.files }.map(\.audio).filter { $0.size >= 64 << 20 }
        }
        for audio in Set(contents) {
            let content = ArtifactContent.audio(audio)
            _ = await core.etags.etag(for: content, body: ArtifactBody(content: content, seed: core.config.seed, wave: core.wave))
        }
    }
}

/// Why the simulator could not start.
public enum SimulatorError: Error, Sendable, CustomStringConvertible {
    /// The server stopped (or failed to bind) before it listened.
    case stoppedBeforeListening

    public var description: String {
        switch self {
        case .stoppedBeforeListening: "the simulator's server stopped before it was listening"
        }
    }
}
