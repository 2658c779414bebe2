import io.liveid.mobile.Engine;
import io.liveid.mobile.ErrorInfo;
import io.liveid.mobile.FinishCallback;
import io.liveid.mobile.Guidance;
import io.liveid.mobile.Mobile;
import io.liveid.mobile.OpenCallback;
import io.liveid.mobile.Options;
import io.liveid.mobile.Result;
import io.liveid.mobile.Session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Drives the engine through gobind's generated Java classes on the host JVM, as an Android app would:
 * MobileTest FIXTURE_DIR OUT_DIR (the fixture names the model directory and ONNX Runtime). Writes OUT_DIR/package.bin and OUT_DIR/reasons.txt for the
 * Go side to open; prints "N passed, M failed" and exits non-zero on any failure.
 */
public final class MobileTest {
    private static int passed, failed;

    private static void check(boolean ok, String what) {
        if (ok) {
            passed++;
        } else {
            failed++;
            System.out.println("FAIL: " + what);
        }
    }

    public static void main(String[] args) throws Exception {
        Path fixture = Path.of(args[0]), out = Path.of(args[1]);
        String[] paths = Files.readString(fixture.resolve("paths.txt")).split("\n");
        String modelDir = paths[0];
        byte[] challenge = Files.readAllBytes(fixture.resolve("challenge.json"));
        String[] meta = Files.readString(fixture.resolve("frame.txt")).trim().split(" ");
        int w = Integer.parseInt(meta[0]), h = Integer.parseInt(meta[1]);
        int ys = Integer.parseInt(meta[2]), uvs = Integer.parseInt(meta[3]);
        int rotation = Integer.parseInt(meta[4]), count = Integer.parseInt(meta[6]);
        boolean mirror = meta[5].equals("1");
        byte[] yuv = Files.readAllBytes(fixture.resolve("frame.yuv"));
        byte[] y = Arrays.copyOfRange(yuv, 0, ys * h), vu = Arrays.copyOfRange(yuv, ys * h, yuv.length);

        Options opts = new Options();
        opts.setRuntimeLibrary(paths[1]);
        opts.setLanguage("en");
        opts.setThreads(1);
        opts.setDeviceModel("host-jvm");
        opts.setMessage("PROMPT_HOLD_STILL", "Hold still, JVM");
        // The rendered sessions are open loop: the pre-check must end where their plan's clock starts.
        String[] genuineMeta = Files.readString(fixture.resolve("genuine.txt")).trim().split(" ");
        opts.setPrecheckFrames(Integer.parseInt(genuineMeta[1]));
        long t0 = System.nanoTime();
        Engine engine = Mobile.open(modelDir, opts);
        System.out.printf("open %.0f ms%n", (System.nanoTime() - t0) / 1e6);

        // A still photo: through the pre-check into the flash, then fails with reasons.
        Session s = engine.newSession(challenge);
        Set<String> phases = new HashSet<>();
        boolean override = false, colours = true, until = true;
        t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long ts = 1_000_000_000L + i * 1_000_000_000L / 30;
            Guidance g = s.pushFrame(y, vu, null, w, h, ys, uvs, 0, 2, Mobile.NV21, rotation, mirror, ts);
            phases.add(g.getPhaseName());
            override |= g.getMessage().equals("Hold still, JVM");
            colours &= (g.getScreenColor() >>> 24) == 0xff && !g.getPrompt().isEmpty() && !g.getMessage().isEmpty();
            until &= g.getPhase() == Mobile.PhaseFailed || g.getScreenUntilNs() > ts;
        }
        System.out.printf("push %.1f ms a frame%n", (System.nanoTime() - t0) / 1e6 / count);
        check(phases.contains("precheck") && phases.contains("baseline"), "phases " + phases);
        check(override, "the overridden message was shown");
        check(colours, "every guidance has an opaque colour, a prompt and a message");
        check(until, "every screen colour holds past its frame");
        Result r = s.finish();
        check(!r.passed() && r.reasonCount() > 0 && !r.reason(0).isEmpty() && !r.reasonMessage(0).isEmpty(),
                "a still photo fails with reasons: " + r.reasons());
        check(r.evidence().length > 1000, "a sealed package");
        Files.write(out.resolve("still.bin"), r.evidence());
        Files.writeString(out.resolve("still.txt"), r.reasons());
        System.out.println("still photo: reasons " + r.reasons() + ", package " + r.evidence().length + " bytes");

        // Rendered sessions: the genuine user passes, the print fails; both decide as package mobile does in Go.
        for (String name : new String[] {"genuine", "print"}) {
            rendered(engine, fixture, out, name, w, h, rotation, mirror);
        }

        // Errors arrive as exceptions that name their domain and code.
        expect(() -> engine.newSession("{".getBytes()), Mobile.DomainParams, "ENGINE_CHALLENGE_MALFORMED");
        expect(() -> engine.newSession(challenge), Mobile.DomainParams, "ENGINE_CHALLENGE_USED");
        expect(() -> s.finish(), Mobile.DomainSession, "ENGINE_SESSION_OVER");

        // Callbacks run on a Go goroutine, not on the calling thread.
        BlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
        Thread caller = Thread.currentThread();
        Mobile.openAsync(modelDir + "/nowhere", opts, new OpenCallback() {
            public void onOpen(Engine e) { q.add("opened a missing directory"); }
            public void onError(Exception e) { q.add(Thread.currentThread() == caller ? "on the caller's thread" : e); }
        });
        Object got = q.poll(60, TimeUnit.SECONDS);
        check(got instanceof Exception && Mobile.describeError((Exception) got).getDomain() == Mobile.DomainModel,
                "OpenAsync of a missing directory calls onError with a model error: " + got);

        byte[] second = Files.readAllBytes(fixture.resolve("challenge.json"));
        Engine other = Mobile.open(modelDir, opts); // a fresh engine has not used the challenge
        Session s2 = other.newSession(second);
        s2.pushFrame(y, vu, null, w, h, ys, uvs, 0, 2, Mobile.NV21, rotation, mirror, 1);
        expect(() -> s2.pushFrame(y, vu, null, w, h, ys, uvs, 0, 1, Mobile.NV21, rotation, mirror, 2),
                Mobile.DomainParams, "MOBILE_BAD_ARGUMENT");
        expect(() -> s2.pushFrame(y, Arrays.copyOf(vu, 10), null, w, h, ys, uvs, 0, 2, Mobile.NV21, rotation, mirror, 3),
                Mobile.DomainFrame, "FRAME_SHORT_PLANE");
        s2.finishAsync(new FinishCallback() {
            public void onResult(Result res) {
                q.add(Thread.currentThread() == caller ? "on the caller's thread" : res);
            }
            public void onError(Exception e) { q.add(e); }
        });
        got = q.poll(60, TimeUnit.SECONDS);
        check(got instanceof Result && !((Result) got).passed()
                && ((Result) got).reasons().startsWith("ENGINE_BAD_FRAME"),
                "FinishAsync calls onResult on another thread with the bad stream's failure: " + got);
        other.close();
        engine.close();

        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    private static void rendered(Engine engine, Path fixture, Path out, String name, int w, int h, int rotation,
            boolean mirror) throws Exception {
        String[] meta = Files.readString(fixture.resolve(name + ".txt")).trim().split(" ");
        int count = Integer.parseInt(meta[0]);
        String want = meta[2];
        byte[] yuv = Files.readAllBytes(fixture.resolve(name + ".yuv"));
        int size = w * h * 3 / 2;
        Session s = engine.newSession(Files.readAllBytes(fixture.resolve(name + ".json")));
        Set<String> phases = new HashSet<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            byte[] y = Arrays.copyOfRange(yuv, i * size, i * size + w * h);
            byte[] vu = Arrays.copyOfRange(yuv, i * size + w * h, (i + 1) * size);
            Guidance g = s.pushFrame(y, vu, null, w, h, w, w, 0, 2, Mobile.NV21, rotation, mirror, i * 1_000_000_000L / 30);
            phases.add(g.getPhaseName());
        }
        double ms = (System.nanoTime() - t0) / 1e6 / count;
        Result r = s.finish();
        String got = r.passed() ? "-" : r.reasons();
        System.out.printf("%s: %d frames, %.1f ms a frame, phases %s, decision %s%n", name, count, ms, phases, got);
        check(got.equals(want), name + ": decision " + got + ", package mobile's in Go " + want);
        check(name.equals("genuine") == r.passed(), name + (r.passed() ? " passed" : " failed"));
        check(phases.contains("action") && (phases.contains("capture") || !r.passed()),
                name + ": reached the action, and the capture if it passed");
        Files.write(out.resolve(name + ".bin"), r.evidence());
        Files.writeString(out.resolve(name + ".txt"), got);
    }

    interface Call { void run() throws Exception; }

    private static void expect(Call c, long domain, String code) {
        try {
            c.run();
            check(false, code + ": no exception");
        } catch (Exception e) {
            ErrorInfo info = Mobile.describeError(e);
            check(info.getDomain() == domain && info.getCode().equals(code) && !e.getMessage().isEmpty(),
                    code + ": got domain " + info.getDomain() + " code " + info.getCode() + ": " + e.getMessage());
        }
    }
}
