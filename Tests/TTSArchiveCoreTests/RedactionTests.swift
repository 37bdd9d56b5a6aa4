import Testing
import TTSNative

/// The one form a URL takes in logs, errors and manifests: no query, fragment or user info.
@Suite struct RedactionTests {
    @Test(arguments: [
        ("https://Bucket.OBS.example.com/tts/a/0/audio.wav?AccessKeyId=AK&Signature=s%2B", "https://bucket.obs.example.com/tts/a/0/audio.wav"),
        ("HTTP://user:secret@127.0.0.1:8080/obs/B/Key?x=1#frag", "http://127.0.0.1:8080/obs/B/Key"),
        ("http://h/p#only-fragment", "http://h/p"),
        ("https://h.example.com", "https://h.example.com"),
        ("https://h@x/p/with@sign?q", "https://x/p/with@sign"),
        ("not a url?secret", "not a url"),
        ("mailto:x?y", "mailto:x"),
        ("https://Ünï.example/Pfad?q", "https://ünï.example/Pfad"),
    ])
    func urlsLoseQueryUserInfoAndCase(pair: (String, String)) {
        #expect(Redaction.url(pair.0) == pair.1)
    }
}
