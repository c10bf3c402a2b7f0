// What every C# twin shares: the scenario's building blocks (a wait that
// holds no thread, a fixed amount of CPU work, a failure), the run of each
// variant on its own UI thread with a watchdog, and the JSON the twin prints.
// The building blocks, the UI thread and the runs are the C# lab's
// (csharp/Awaitscope.Lab.cs): each run is also recorded in Awaitscope's
// trace format, which `awaitscope run ID --csharp` draws beside the GLib run.
//
// A twin is tests/csharp/ID.cs; its `// <lesson>` region is the C# the app
// shows for scenario ID. Build and run one:
//   mcs -langversion:latest -out:ID.exe tests/csharp/ID.cs tests/csharp/Lab.cs csharp/Awaitscope.Lab.cs
//   mono ID.exe [--speed X] [--deadline MS] [--trace FILE]
// It prints one JSON object on stdout (see Finish below for its fields) and,
// with --trace, saves the recorded runs to FILE.
//
// Writing a twin: Debian's mcs (Mono 6.8) takes C# up to 7.2, so no `using var`,
// local functions, target-typed `new()` or `!`; its digit separators are wrong
// (it reads 10_000 as 100000: write 10000); `out var` inside an async
// method crashes it; and an expression-bodied async void method
// (`async void F() => x = await G();`) never tells the SynchronizationContext
// that it ended: give async void handlers a block body. Io(ms, token) with a
// token variable is ambiguous for mcs (Io<T>(ms, value) fits too): write
// Io(ms, token: token).
//
// Durations: Ms(1000) is 1000 scenario milliseconds divided by --speed, as
// `awaitscope run --speed X` divides every duration. Mono's mcs has no async
// Main, so Main blocks on each variant (no UI thread is blocked by that: each
// variant runs on a UiThread of its own).
using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Awaitscope;

/// <summary>A JSON object whose members keep their order.</summary>
public sealed class JObj : List<KeyValuePair<string, object>>
{
    public void Add(string key, object value) { Add(new KeyValuePair<string, object>(key, value)); }
}

/// <summary>What happened during one variant, recorded by the building blocks.</summary>
public sealed class Recorder
{
    struct Span { public double Start, End; public bool Work; }

    readonly object gate = new object();
    readonly List<Span> spans = new List<Span>();
    readonly HashSet<int> threads = new HashSet<int>();
    readonly List<Exception> caught = new List<Exception>();
    readonly List<string> unobserved = new List<string>();
    readonly JObj figures = new JObj();
    int activeWork, pendingIo, cancelledTasks, crashed;
    double cancelAt = -1, end = -1;

    public readonly double T0;
    public Recorder() { T0 = Lab.Now; }

    public double Since(double t) { return t - T0; }

    public void Touch()
    {
        lock (gate) threads.Add(Thread.CurrentThread.ManagedThreadId);
    }

    /// <summary>Notes the first moment any token this run uses is cancelled.</summary>
    public CancellationTokenRegistration Watch(CancellationToken token)
    {
        if (!token.CanBeCanceled) return default(CancellationTokenRegistration);
        return token.Register(() => { lock (gate) if (cancelAt < 0) cancelAt = Lab.Now; });
    }

    public void IoStarted() { Interlocked.Increment(ref pendingIo); }

    public void IoEnded(double start, bool cancelled)
    {
        lock (gate)
        {
            double now = Lab.Now;
            spans.Add(new Span { Start = start, End = now, Work = false });
            if (cancelled && (cancelAt < 0 || now < cancelAt)) cancelAt = now;
        }
        if (cancelled) Interlocked.Increment(ref cancelledTasks);
        Interlocked.Decrement(ref pendingIo);
    }

    public void WorkStarted() { Interlocked.Increment(ref activeWork); Touch(); }

    public void WorkEnded(double start)
    {
        lock (gate) spans.Add(new Span { Start = start, End = Lab.Now, Work = true });
        Interlocked.Decrement(ref activeWork);
    }

    public void TaskCancelled() { Interlocked.Increment(ref cancelledTasks); }

    public void Caught(Exception e) { lock (gate) caught.Add(e); }

    public Exception[] CaughtExceptions { get { lock (gate) return caught.ToArray(); } }

    public void Unobserved(string message) { lock (gate) unobserved.Add(message); }

    /// <summary>Exceptions that escaped async void methods (UiThread.Crashes): neither caught nor swallowed.</summary>
    public void Crashed(int count) { lock (gate) crashed = count; }

    public void Ended() { lock (gate) if (end < 0) end = Lab.Now; }

    public double EndTime { get { lock (gate) return end; } }

    public bool Quiet { get { return Volatile.Read(ref activeWork) == 0 && Volatile.Read(ref pendingIo) == 0; } }

    /// <summary>A figure of this twin's own (synchronous completions, tasks allocated...).</summary>
    public void Set(string name, object value)
    {
        lock (gate)
        {
            figures.RemoveAll(kv => kv.Key == name);
            figures.Add(name, value);
        }
    }

    public void Count(string name, int by = 1)
    {
        lock (gate)
        {
            int old = 0;
            foreach (var kv in figures) if (kv.Key == name) old = (int) kv.Value;
            figures.RemoveAll(kv => kv.Key == name);
            figures.Add(name, old + by);
        }
    }

    public void Fill(JObj o, double callerEnd)
    {
        lock (gate)
        {
            o.Add("threads_used", threads.Count);
            o.Add("cancelled", cancelledTasks);
            o.Add("cancel_requested", cancelAt >= 0);
            // From the cancel request until the last wait or work that went on after it ended.
            double lastEnd = -1;
            double wasted = 0, abandoned = 0;
            foreach (var s in spans)
            {
                if (cancelAt >= 0 && s.End >= cancelAt) lastEnd = Math.Max(lastEnd, s.End);
                if (!s.Work) continue;
                if (cancelAt >= 0) wasted += Math.Max(0, s.End - Math.Max(s.Start, cancelAt));
                if (callerEnd >= 0) abandoned += Math.Max(0, s.End - Math.Max(s.Start, callerEnd));
            }
            o.Add("cancel_latency_ms", cancelAt >= 0 ? (object) (lastEnd >= 0 ? lastEnd - cancelAt : 0.0) : null);
            o.Add("wasted_ms", wasted);
            o.Add("abandoned_work_ms", abandoned);
            o.Add("errors_caught", caught.Select(e => (object) Lab.Describe(e)).ToList());
            o.Add("errors_unobserved", unobserved.Count);
            // Failed tasks whose error no code saw and nobody reported either:
            // what an awaited WhenAll swallows beyond the one it rethrows.
            int failed = 0;
            foreach (var kv in figures) if (kv.Key == "tasks_failed") failed = (int) kv.Value;
            o.Add("errors_swallowed", Math.Max(0, failed - caught.Count - unobserved.Count - crashed));
            o.Add("errors_unobserved_messages", unobserved.Cast<object>().ToList());
            foreach (var kv in figures) o.Add(kv.Key, kv.Value);
        }
    }
}

public static class Lab
{
    /// <summary>Every duration is divided by Speed: the recording library's, which the building blocks use.</summary>
    public static double Speed { get { return Awaitscope.Lab.Speed; } set { Awaitscope.Lab.Speed = value; } }
    /// <summary>How long the UI loop may stay blocked before the watchdog gives up on the variant.</summary>
    public static int DeadlineMs { get { return Awaitscope.Lab.DeadlineMs; } set { Awaitscope.Lab.DeadlineMs = value; } }
    public static Recorder Rec = new Recorder();

    static string scenarioId;
    static readonly List<object> variants = new List<object>();
    static readonly List<KeyValuePair<JObj, Recorder>> unfilled = new List<KeyValuePair<JObj, Recorder>>();
    // Which variant made each error, for an UnobservedTaskException that comes late.
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Exception, Recorder> origin =
        new System.Runtime.CompilerServices.ConditionalWeakTable<Exception, Recorder>();
    static readonly List<object> probes = new List<object>();

    public static double Now { get { return Awaitscope.Lab.Now; } }

    /// <summary>A Stopwatch.GetTimestamp() reading, in the milliseconds of Now.</summary>
    public static double At(long timestamp) { return Awaitscope.Lab.At(timestamp); }

    /// <summary>ms scenario milliseconds at the run's speed.</summary>
    public static TimeSpan Ms(double ms) { return Awaitscope.Lab.Ms(ms); }

    // ---- Building blocks ------------------------------------------------
    //
    // Each records itself in the run's trace (csharp/Awaitscope.Lab.cs) under
    // the name of the method that called it: GetProfileAsync() { return
    // Io(800, ...); } is the task "GetProfileAsync".

    static string Named(string caller, string what)
    {
        if (string.IsNullOrEmpty(caller) || caller == "Main" || caller.StartsWith("<") || caller.StartsWith("."))
            return what;
        return caller.EndsWith("Async") ? caller : caller + ": " + what;
    }

    static string Millis(double ms) { return ms.ToString("0.###", CultureInfo.InvariantCulture) + " ms"; }

    /// <summary>
    /// A wait that holds no thread (a timer standing in for the network), as
    /// library code writes it: ConfigureAwait(false) inside, so only the
    /// caller's own await decides where the caller continues.
    /// </summary>
    public static Task Io(double ms, CancellationToken token = default(CancellationToken),
                          [CallerMemberName] string caller = null)
    {
        return IoAs(Named(caller, "Io(" + Millis(ms) + ")"), ms, token);
    }

    /// <summary>Io under the name the GLib run gives the same wait, so that
    /// both runs draw the same rows.</summary>
    public static async Task IoAs(string name, double ms, CancellationToken token = default(CancellationToken))
    {
        var rec = Rec;
        double start = Now;
        rec.IoStarted();
        // Not disposed here: cancelling completes the Delay inline, and its
        // continuation would otherwise unregister this before it runs.
        rec.Watch(token);
        try
        {
            await Awaitscope.Lab.Io(name, ms, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            rec.IoEnded(start, true);
            throw;
        }
        rec.IoEnded(start, false);
    }

    public static async Task<T> Io<T>(double ms, T value, CancellationToken token = default(CancellationToken),
                                      [CallerMemberName] string caller = null)
    {
        await Io(ms, token, caller).ConfigureAwait(false);
        return value;
    }

    /// <summary>Fails with error after ms milliseconds of waiting.</summary>
    public static async Task Fail(double ms, Exception error, CancellationToken token = default(CancellationToken),
                                  [CallerMemberName] string caller = null)
    {
        var rec = Rec;
        double start = Now;
        rec.IoStarted();
        rec.Watch(token);
        try
        {
            await Awaitscope.Lab.Fail(Named(caller, "Fail(" + Millis(ms) + ")"), ms, error, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            rec.IoEnded(start, true);
            throw;
        }
        catch (Exception e) when (e == error)
        {
            rec.IoEnded(start, false);
            rec.Count("tasks_failed");
            origin.Remove(error);
            origin.Add(error, rec);
            throw;
        }
    }

    public static async Task<T> Fail<T>(double ms, Exception error, CancellationToken token = default(CancellationToken),
                                        [CallerMemberName] string caller = null)
    {
        await Fail(ms, error, token, caller).ConfigureAwait(false);
        return default(T);
    }

    /// <summary>
    /// ms milliseconds of CPU time on the calling thread: a fixed amount of
    /// work, so more threads than cores make it take longer, as real work does.
    /// </summary>
    public static void Cpu(double ms, [CallerMemberName] string caller = null)
    {
        var rec = Rec;
        double start = Now;
        rec.WorkStarted();
        try { Awaitscope.Lab.Compute(Named(caller, "Cpu(" + Millis(ms) + ")"), ms); }
        finally { rec.WorkEnded(start); }
    }

    /// <summary>ms of CPU work that checks the token every checkMs.</summary>
    public static void CpuChecking(double ms, double checkMs, CancellationToken token, [CallerMemberName] string caller = null)
    {
        var rec = Rec;
        rec.Watch(token);
        double start = Now;
        rec.WorkStarted();
        try { Awaitscope.Lab.Compute(Named(caller, "Cpu(" + Millis(ms) + ")"), ms, token, checkMs); }
        catch (OperationCanceledException)
        {
            rec.TaskCancelled();
            throw;
        }
        finally { rec.WorkEnded(start); }
    }

    /// <summary>Calls an event handler on the current UI thread (see UiThread.RunHandler).</summary>
    public static Task Click(Action handler) { return UiThread.CurrentUi.RunHandler(handler); }

    /// <summary>A catch block hands what it caught to Log: the run records it.</summary>
    public static void Log(Exception e) { Rec.Caught(e); Awaitscope.Lab.Observed(e); }

    public static void Count(string figure, int by = 1) { Rec.Count(figure, by); }

    // ---- Running variants --------------------------------------------------

    /// <summary>Reads --speed X, --deadline MS and --trace FILE (where Finish saves the recorded runs).</summary>
    public static void Start(string id, string[] args)
    {
        scenarioId = id;
        var rest = Awaitscope.Lab.Init(args);
        if (rest.Length > 0)
            throw new ArgumentException("usage: ID.exe [--speed X] [--deadline MS] [--trace FILE]; not " + rest[0]);
        Awaitscope.Lab.Scenario = id;
        // The first run of the machinery pays for compiling it: pay before measuring.
        Variant("warm-up", _ => WarmUp());
        variants.Clear();
        unfilled.Clear();
        Awaitscope.Trace.Clear();
        // .NET raises this when a faulted task nobody observed is collected.
        TaskScheduler.UnobservedTaskException += (sender, e) =>
        {
            foreach (var inner in e.Exception.InnerExceptions)
            {
                Recorder from;
                (origin.TryGetValue(inner, out from) ? from : Rec).Unobserved(inner.Message);
            }
            e.SetObserved();
        };
    }

    /// <summary>
    /// Runs one variant on a UI thread of its own and records it (see
    /// Awaitscope.Lab.Variant). entry gets the token of the variant's Cancel
    /// button, pressed after cancelAfterMs (never if negative). A UI loop
    /// blocked for longer than the deadline fires the watchdog: the variant
    /// ends there ("deadlocked"), its UI thread is left blocked, and the next
    /// variant gets a new one.
    /// </summary>
    public static void Variant(string name, Func<CancellationToken, Task> entry, double cancelAfterMs = -1,
                               string root = null)
    {
        var rec = Rec = new Recorder();
        int maxPoolBusy = 0;
        var hooks = new Awaitscope.VariantHooks
        {
            Started = token => { rec.Touch(); rec.Watch(token); },
            Ended = _ => rec.Ended(),
            Quiet = () => rec.Quiet,
            Sample = () => { maxPoolBusy = Math.Max(maxPoolBusy, PoolBusy()); },
        };
        var run = Awaitscope.Lab.Variant(name, entry, cancelAfterMs, null, hooks, root);
        bool watchdog = run.Watchdog, timedOut = run.TimedOut;
        double wallEnd = watchdog || timedOut ? run.End : rec.EndTime;

        var v = new JObj();
        v.Add("name", name);
        v.Add("wall_ms", wallEnd - rec.T0);
        string outcome;
        Exception error = null;
        bool handled = false;
        var task = run.Task;
        var crashes = run.Crashes;
        var crashTimes = run.CrashTimestamps;
        rec.Crashed(crashes.Length);
        if (watchdog) outcome = "deadlocked";
        else if (timedOut) outcome = "timed-out";
        else
        {
            try { task.GetAwaiter().GetResult(); }
            catch (Exception e) { error = e; }
            if (crashes.Length > 0)
            {
                // An exception escaped an async void method and was rethrown
                // on the UI thread: a real UI app ends at the first one.
                error = crashes[0];
            }
            else if (error == null && rec.CaughtExceptions.Length > 0)
            {
                // The lesson's code caught what `await` threw (and Log-ged it):
                // the variant's outcome is what the awaited operation did.
                error = rec.CaughtExceptions[0];
                handled = true;
            }
            outcome = crashes.Length > 0 ? "crashed"
                    : error == null ? "completed" : error is OperationCanceledException ? "cancelled" : "faulted";
        }
        v.Add("outcome", outcome);
        v.Add("exception", error == null ? null : Describe(error));
        v.Add("handled_by_code", handled);
        v.Add("watchdog_fired", watchdog);
        v.Add("max_ui_gap_ms", run.MaxUiGapMs);
        v.Add("stranded_continuations", watchdog ? run.Stranded : 0);
        v.Add("crashed", crashes.Length > 0);
        v.Add("crashes", crashes.Select(e => (object) Describe(e)).ToList());
        // When the first exception was rethrown on the UI thread: where C# ends the app.
        v.Add("crash_ms", crashes.Length > 0 ? (object) (At(crashTimes[0]) - rec.T0) : null);
        v.Add("pool_threads_busy_max", maxPoolBusy);

        // .NET reports an unobserved exception only when its task is collected.
        run.Task = null;
        task = null;
        Collect();
        variants.Add(v);
        unfilled.Add(new KeyValuePair<JObj, Recorder>(v, rec));
        Rec = new Recorder();        // what runs after the variant is not the variant's
    }

    /// <summary>
    /// Collects garbage until the finalizers are done. A faulted task may
    /// stay reachable for a while from a stale slot on a parked pool thread's
    /// stack (Mono scans stacks conservatively), so Finish collects again.
    /// </summary>
    static void Collect()
    {
        for (int i = 0; i < 3; i++) { GC.Collect(); GC.WaitForPendingFinalizers(); }
    }

    static async Task WarmUp()
    {
        await Io(1);
        await Task.Run(() => Cpu(1));
        try { await Fail(1, new Exception("warm-up")); } catch (Exception) { }
    }

    /// <summary>A fact of C# that the scenario's variants do not show, printed under "probes".</summary>
    public static void Probe(string name, JObj figures)
    {
        var p = new JObj();
        p.Add("name", name);
        foreach (var kv in figures) p.Add(kv.Key, kv.Value);
        probes.Add(p);
    }

    /// <summary>Runs entry on a fresh UiThread and returns its task (the caller waits on it).</summary>
    public static Task OnUiThread(Func<Task> entry, out UiThread ui)
    {
        var thread = ui = new UiThread("UI probe");
        var tcs = new TaskCompletionSource<Task>();
        thread.Post(_ =>
        {
            try { tcs.SetResult(entry()); }
            catch (Exception e) { tcs.SetException(e); }
        }, null);
        return tcs.Task.ContinueWith(t => t.Result).Unwrap();
    }

    static int PoolBusy()
    {
        int maxW, maxIo, availW, availIo;
        ThreadPool.GetMaxThreads(out maxW, out maxIo);
        ThreadPool.GetAvailableThreads(out availW, out availIo);
        return maxW - availW;
    }

    public static JObj Describe(Exception e)
    {
        var o = new JObj();
        o.Add("type", e.GetType().Name);
        o.Add("message", e.Message);
        var agg = e as AggregateException;
        if (agg != null)
            o.Add("inner", agg.InnerExceptions.Select(i => (object) Describe(i)).ToList());
        return o;
    }

    /// <summary>
    /// Prints the one JSON object and ends the process (a UI thread left
    /// deadlocked is a background thread: it does not keep the process alive).
    /// </summary>
    public static void Finish()
    {
        var root = new JObj();
        root.Add("scenario", scenarioId);
        root.Add("runtime", Awaitscope.Lab.RuntimeName());
        root.Add("speed", Speed);
        root.Add("deadline_ms", DeadlineMs);
        root.Add("processors", Environment.ProcessorCount);
        // Late unobserved errors are counted in the variant that made them.
        for (int i = 0; i < 5; i++)
        {
            // Give the pool's threads other work, so stale references on their stacks are overwritten.
            Task.WaitAll(Enumerable.Range(0, 2 * Environment.ProcessorCount).Select(_ => Task.Run(() => Scrub(64))).ToArray());
            Collect();
            Thread.Sleep(5);
        }
        foreach (var kv in unfilled) kv.Value.Fill(kv.Key, kv.Value.EndTime);
        // The recorded runs, late unobserved errors included.
        try { Awaitscope.Lab.Save(); }
        catch (Exception e)
        {
            Console.Error.WriteLine("cannot write the trace " + Awaitscope.Lab.TracePath + ": " + e.Message);
            Environment.Exit(1);
        }
        root.Add("variants", variants);
        root.Add("probes", probes);
        var sb = new StringBuilder();
        Write(sb, root);
        Console.Out.WriteLine(sb.ToString());
        Console.Out.Flush();
        Environment.Exit(0);
    }

    static int Scrub(int depth)
    {
        // A few kilobytes of stack, overwritten.
        var junk = new long[16];
        for (int i = 0; i < junk.Length; i++) junk[i] = depth * i;
        return depth == 0 ? (int) junk[3] : Scrub(depth - 1) + (int) junk[depth % 16];
    }

    static void Write(StringBuilder sb, object v)
    {
        if (v == null) sb.Append("null");
        else if (v is string) WriteString(sb, (string) v);
        else if (v is bool) sb.Append((bool) v ? "true" : "false");
        else if (v is int || v is long) sb.Append(Convert.ToString(v, CultureInfo.InvariantCulture));
        else if (v is double || v is float || v is decimal)
        {
            double d = Convert.ToDouble(v, CultureInfo.InvariantCulture);
            sb.Append(Math.Round(d, 3).ToString("0.###", CultureInfo.InvariantCulture));
        }
        else if (v is JObj)
        {
            sb.Append('{');
            bool first = true;
            foreach (var kv in (JObj) v)
            {
                if (!first) sb.Append(", ");
                first = false;
                WriteString(sb, kv.Key);
                sb.Append(": ");
                Write(sb, kv.Value);
            }
            sb.Append('}');
        }
        else if (v is IEnumerable)
        {
            sb.Append('[');
            bool first = true;
            foreach (var item in (IEnumerable) v)
            {
                if (!first) sb.Append(", ");
                first = false;
                Write(sb, item);
            }
            sb.Append(']');
        }
        else WriteString(sb, v.ToString());
    }

    static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            if (c == '"') sb.Append("\\\"");
            else if (c == '\\') sb.Append("\\\\");
            else if (c < 0x20) sb.AppendFormat("\\u{0:x4}", (int) c);
            else sb.Append(c);
        }
        sb.Append('"');
    }
}
