// Awaitscope's C# lab: C# async code run on Mono and recorded in Awaitscope's
// own trace format, so `awaitscope replay`, the renderer, the lints and the
// task table read it as they read a GLib run.
//
// What records itself:
//   - the workload primitives: Lab.Io (a wait that holds no thread),
//     Lab.Fail, Lab.Cpu (fixed CPU work on a pool thread), Lab.Compute
//     (fixed CPU work on the calling thread), Lab.BlockUi (Thread.Sleep on
//     the UI thread);
//   - composition, where the code says so: Lab.Run("Name", () => FooAsync())
//     names an async method's task and records its start, end, outcome and
//     the exception `await` throws; Lab.Wait (.Result, recorded as a blocking
//     wait); Lab.Observed (a catch block saw an error); Lab.Mark;
//   - what the runtime reports by itself: the UI thread's heartbeat, the
//     freeze a watchdog breaks, cancellations of the tokens the primitives
//     get, exceptions that escape async void (crashes) and exceptions .NET
//     reports unobserved when their task is collected.
//
// Plain Task, await and Task.WhenAll cannot be hooked: a task the code makes
// without the lab is not recorded (its children are, with the nearest
// recorded task as their parent).
//
// Build with the program that uses it (Mono 6.8's mcs: C# up to 7.2):
//   mcs -langversion:latest -out:prog.exe prog.cs Awaitscope.Lab.cs
//   mono prog.exe [--speed X] [--deadline MS] [--trace FILE]
// A program calls Lab.Init(args), runs Lab.Variant(...) once per way of
// doing the work, and ends with Lab.Save(), which writes the trace to the
// --trace file (or $AWAITSCOPE_TRACE).
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Awaitscope
{
    /// <summary>
    /// The event log of one run (one variant): events with a time, a kind,
    /// a task, a parent, a lane (thread) and a text, as Awaitscope's AwTrace
    /// records them. Thread-safe.
    /// </summary>
    public sealed class Recording
    {
        struct Event { public long Ns; public string Kind; public int Task, Parent, Lane; public string Text; public long Seq; }

        /// <summary>How often the UI thread's heartbeat is recorded, at most.</summary>
        public const int HeartbeatMs = 10;

        readonly object gate = new object();
        readonly List<Event> events = new List<Event>();
        readonly List<string> lanes = new List<string> { "UI thread" };
        readonly Dictionary<int, int> threadLanes = new Dictionary<int, int>();
        readonly SortedDictionary<string, string> metadata = new SortedDictionary<string, string>(StringComparer.Ordinal);
        readonly Dictionary<int, string> open = new Dictionary<int, string>();   // tasks not ended: id -> name
        readonly long origin = Stopwatch.GetTimestamp();
        int nextTask, pools;
        long seq, lastFrameNs = long.MinValue / 2, lastCancelNs = long.MinValue / 2, endNs = -1;
        int uiBlocks;
        long beginNs = -1, lastBlockEndNs = -1;

        /// <summary>The managed thread id of lane 0, the UI thread.</summary>
        public int UiThreadId = -1;

        public Recording(string variant)
        {
            metadata["variant"] = variant;
            metadata["clock"] = "real";
            metadata["heartbeat_ms"] = HeartbeatMs.ToString(CultureInfo.InvariantCulture);
        }

        public void SetMetadata(string key, string value) { lock (gate) metadata[key] = value; }

        public string GetMetadata(string key) { lock (gate) { string v; return metadata.TryGetValue(key, out v) ? v : null; } }

        /// <summary>Nanoseconds since the recording began.</summary>
        public long NowNs { get { return ToNs(Stopwatch.GetTimestamp()); } }

        public long ToNs(long timestamp) { return (long) ((timestamp - origin) * (1e9 / Stopwatch.Frequency)); }

        /// <summary>Whether a recorded blocking of the UI thread has begun and not ended.</summary>
        public bool UiBlocked { get { lock (gate) return uiBlocks > 0; } }

        /// <summary>The time the run ended (run-end), or -1.</summary>
        public long EndNs { get { lock (gate) return endNs; } }

        public int NewTask() { return Interlocked.Increment(ref nextTask); }

        /// <summary>The lane of the calling thread: 0 for the UI thread, else one per thread, named on first use.</summary>
        public int CurrentLane
        {
            get
            {
                var thread = Thread.CurrentThread;
                int id = thread.ManagedThreadId;
                lock (gate)
                {
                    if (id == UiThreadId) return 0;
                    int lane;
                    if (threadLanes.TryGetValue(id, out lane)) return lane;
                    lane = lanes.Count;
                    lanes.Add(thread.IsThreadPoolThread ? "pool thread " + (++pools)
                              : !string.IsNullOrEmpty(thread.Name) ? thread.Name : "thread " + id);
                    threadLanes[id] = lane;
                    return lane;
                }
            }
        }

        public void Record(string kind, int task, int parent, string text)
        {
            RecordAt(NowNs, kind, task, parent, CurrentLane, text);
        }

        public void RecordOn(int lane, string kind, int task, int parent, string text)
        {
            RecordAt(NowNs, kind, task, parent, lane, text);
        }

        public void RecordAt(long ns, string kind, int task, int parent, int lane, string text)
        {
            lock (gate)
            {
                events.Add(new Event { Ns = Math.Max(0, ns), Kind = kind, Task = task, Parent = parent, Lane = lane, Text = text, Seq = seq++ });
                if (kind == "created" || kind == "call") open[task] = text;
                else if (kind == "completed" || kind == "faulted" || kind == "cancelled" || kind == "deadlocked" || kind == "sync-completed")
                    open.Remove(task);
                else if (kind == "run-end") endNs = ns;
                else if (kind == "run-begin") beginNs = ns;
                else if (kind == "ui-block-begin") uiBlocks++;
                else if (kind == "ui-block-end") { uiBlocks = Math.Max(0, uiBlocks - 1); lastBlockEndNs = Math.Max(lastBlockEndNs, ns); }
            }
        }

        /// <summary>When the run began (run-begin), or -1.</summary>
        public long BeginNs { get { lock (gate) return beginNs; } }

        /// <summary>
        /// A heartbeat of the UI loop, at most one per HeartbeatMs. lastBeatNs
        /// is the loop's previous turn: a long gap since then that no recorded
        /// blocking explains (a .Result, a long handler) is recorded as a
        /// freeze of the UI thread.
        /// </summary>
        public void Frame(long lastBeatNs)
        {
            long now = NowNs;
            bool freeze;
            lock (gate)
            {
                if (now - lastFrameNs < HeartbeatMs * 1000000L) return;
                lastFrameNs = now;
                freeze = beginNs >= 0 && uiBlocks == 0 && now - lastBeatNs > 5 * HeartbeatMs * 1000000L
                         && lastBlockEndNs < lastBeatNs;
                lastBeatNs = Math.Max(lastBeatNs, beginNs);
            }
            if (freeze)
            {
                RecordAt(lastBeatNs, "ui-block-begin", 0, 0, 0, null);
                RecordAt(now, "ui-block-end", 0, 0, 0, null);
            }
            RecordAt(now, "frame", 0, 0, 0, null);
        }

        /// <summary>A cancel request, once for requests that come together (a token and the tokens linked to it).</summary>
        public void CancelRequest(int scope, string why)
        {
            long now = NowNs;
            lock (gate)
            {
                if (now - lastCancelNs < 2000000L) return;
                lastCancelNs = now;
            }
            RecordAt(now, "cancel-request", scope, 0, CurrentLane, why);
        }

        /// <summary>Tasks started and not ended, oldest first.</summary>
        public KeyValuePair<int, string>[] OpenTasks
        {
            get { lock (gate) return open.OrderBy(kv => kv.Key).ToArray(); }
        }

        /// <summary>
        /// Writes this run in the Trace Event Format, as process pid, for the
        /// tools that read only "traceEvents" (Perfetto, chrome://tracing), as
        /// `awaitscope run --trace` writes a GLib run: the run and each lane
        /// named, and each task an async slice from its creation to its
        /// outcome (a synchronous completion is one of no length), with the
        /// spans it waited, was queued or ran nested in it. Returns whether
        /// it wrote anything.
        /// </summary>
        public bool WriteTraceEvents(StringBuilder sb, int pid, bool first)
        {
            lock (gate)
            {
                var sorted = events.OrderBy(e => e.Ns).ThenBy(e => e.Seq).ToList();
                long begin = beginNs >= 0 ? beginNs : sorted.Count > 0 ? sorted[0].Ns : 0;
                var names = new Dictionary<int, string>();
                var laneOf = new Dictionary<int, int>();
                var state = new Dictionary<int, KeyValuePair<string, long>>();
                string title;
                if (!metadata.TryGetValue("variant_title", out title) && !metadata.TryGetValue("variant", out title))
                    title = "run " + pid;
                string scenario;
                if (metadata.TryGetValue("scenario_title", out scenario) || metadata.TryGetValue("scenario", out scenario))
                    title = scenario + ": " + title;

                Action<string, string, int, long, int, string> emit = (ph, name, tid, ns, task, args) =>
                {
                    sb.Append(first ? "\n{" : ",\n{");
                    first = false;
                    sb.Append("\"ph\":");
                    Json.String(sb, ph);
                    sb.Append(",\"name\":");
                    Json.String(sb, name);
                    sb.Append(",\"pid\":").Append(pid.ToString(CultureInfo.InvariantCulture));
                    sb.Append(",\"tid\":").Append(tid.ToString(CultureInfo.InvariantCulture));
                    sb.Append(",\"ts\":").Append(((ns - begin) / 1000.0).ToString("0.###", CultureInfo.InvariantCulture));
                    if (task != 0)
                        sb.Append(",\"cat\":\"task\",\"id\":\"0x").Append(((long) pid << 32 | (uint) task).ToString("x", CultureInfo.InvariantCulture)).Append('"');
                    if (args != null) sb.Append(",\"args\":").Append(args);
                    sb.Append('}');
                };
                Func<string, string, string> arg = (key, value) =>
                {
                    var a = new StringBuilder("{");
                    Json.String(a, key);
                    a.Append(':');
                    Json.String(a, value ?? "");
                    return a.Append('}').ToString();
                };
                Action<int, long> endState = (task, ns) =>
                {
                    KeyValuePair<string, long> st;
                    if (!state.TryGetValue(task, out st)) return;
                    emit("e", st.Key, laneOf[task] + 1, ns, task, null);
                    state.Remove(task);
                };

                emit("M", "process_name", 0, begin, 0, arg("name", title));
                for (int i = 0; i < lanes.Count; i++)
                    emit("M", "thread_name", i + 1, begin, 0, arg("name", lanes[i]));
                foreach (var e in sorted)
                {
                    switch (e.Kind)
                    {
                    case "created":
                    case "call":
                        names[e.Task] = e.Text ?? "task " + e.Task;
                        laneOf[e.Task] = e.Lane;
                        emit("b", names[e.Task], e.Lane + 1, e.Ns, e.Task,
                             arg("parent", e.Parent != 0 ? "0x" + ((long) pid << 32 | (uint) e.Parent).ToString("x", CultureInfo.InvariantCulture) : ""));
                        break;
                    case "sync-completed":
                        emit("b", e.Text ?? "task " + e.Task, e.Lane + 1, e.Ns, e.Task, arg("parent", ""));
                        emit("e", e.Text ?? "task " + e.Task, e.Lane + 1, e.Ns, e.Task, arg("outcome", "completed synchronously"));
                        break;
                    case "waiting":
                    case "queued":
                    case "running":
                        if (!names.ContainsKey(e.Task)) break;
                        endState(e.Task, e.Ns);
                        state[e.Task] = new KeyValuePair<string, long>(e.Kind, e.Ns);
                        emit("b", e.Kind, laneOf[e.Task] + 1, e.Ns, e.Task, null);
                        break;
                    case "completed":
                    case "faulted":
                    case "cancelled":
                    case "deadlocked":
                        if (!names.ContainsKey(e.Task)) break;
                        endState(e.Task, e.Ns);
                        emit("e", names[e.Task], laneOf[e.Task] + 1, e.Ns, e.Task,
                             arg("outcome", e.Text != null ? e.Kind + ": " + e.Text : e.Kind));
                        names.Remove(e.Task);
                        break;
                    }
                }
                return !first;
            }
        }

        /// <summary>Writes this run as one element of otherData.awaitscope.traces.</summary>
        public void WriteJson(StringBuilder sb)
        {
            lock (gate)
            {
                var sorted = events.OrderBy(e => e.Ns).ThenBy(e => e.Seq).ToList();
                var strings = new List<string>();
                var ids = new Dictionary<string, int>(StringComparer.Ordinal);
                sb.Append("{\"metadata\":{");
                bool first = true;
                foreach (var kv in metadata)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    Json.String(sb, kv.Key);
                    sb.Append(':');
                    Json.String(sb, kv.Value);
                }
                sb.Append("},\n\"lanes\":[");
                for (int i = 0; i < lanes.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Json.String(sb, lanes[i]);
                }
                var body = new StringBuilder();
                for (int i = 0; i < sorted.Count; i++)
                {
                    var e = sorted[i];
                    int str = 0;
                    if (e.Text != null && !ids.TryGetValue(e.Text, out str))
                    {
                        strings.Add(e.Text);
                        str = ids[e.Text] = strings.Count;
                    }
                    body.Append(i > 0 ? ",\n[" : "\n[");
                    body.Append(e.Ns.ToString(CultureInfo.InvariantCulture)).Append(',');
                    Json.String(body, e.Kind);
                    body.Append(',').Append(e.Task.ToString(CultureInfo.InvariantCulture));
                    body.Append(',').Append(e.Parent.ToString(CultureInfo.InvariantCulture));
                    body.Append(',').Append(e.Lane.ToString(CultureInfo.InvariantCulture));
                    body.Append(',').Append(str.ToString(CultureInfo.InvariantCulture)).Append(']');
                }
                sb.Append("],\n\"strings\":[");
                for (int i = 0; i < strings.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Json.String(sb, strings[i]);
                }
                sb.Append("],\n\"events\":[").Append(body).Append("]}");
            }
        }
    }

    /// <summary>Every run of this process, saved together as one trace file.</summary>
    public static class Trace
    {
        // The format of otherData.awaitscope (FORMAT_VERSION in src/core/aw-trace-io-private.h).
        const int Format = 1;

        static readonly List<Recording> runs = new List<Recording>();

        /// <summary>The run that primitives record into now; null between runs.</summary>
        public static volatile Recording Current;

        public static Recording Begin(string variant)
        {
            var r = new Recording(variant);
            lock (runs) runs.Add(r);
            Current = r;
            return r;
        }

        public static Recording[] Runs { get { lock (runs) return runs.ToArray(); } }

        /// <summary>Forgets every run so far (a warm-up's).</summary>
        public static void Clear() { lock (runs) runs.Clear(); }

        public static string ToJson()
        {
            var sb = new StringBuilder();
            var all = Runs;
            bool first = true;
            sb.Append("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
            for (int i = 0; i < all.Length; i++)
                if (all[i].WriteTraceEvents(sb, i + 1, first)) first = false;
            sb.Append("],\n\"otherData\":{\"awaitscope\":{\"format\":");
            sb.Append(Format).Append(",\"traces\":[");
            for (int i = 0; i < all.Length; i++)
            {
                sb.Append(i > 0 ? ",\n" : "\n");
                all[i].WriteJson(sb);
            }
            sb.Append("]}}}\n");
            return sb.ToString();
        }

        /// <summary>Writes every run to path, whole or not at all.</summary>
        public static void Save(string path)
        {
            string tmp = path + ".tmp-" + Process.GetCurrentProcess().Id;
            File.WriteAllText(tmp, ToJson(), new UTF8Encoding(false));
            if (File.Exists(path)) File.Delete(path);
            File.Move(tmp, path);
        }
    }

    static class Json
    {
        public static void String(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (char c in s ?? "")
            {
                if (c == '"') sb.Append("\\\"");
                else if (c == '\\') sb.Append("\\\\");
                else if (c == '\n') sb.Append("\\n");
                else if (c < 0x20 || c == 0x7f) sb.AppendFormat("\\u{0:x4}", (int) c);
                else sb.Append(c);
            }
            sb.Append('"');
        }
    }

    /// <summary>What one variant did, as Lab.Variant saw it.</summary>
    public sealed class VariantRun
    {
        public string Name;
        public Recording Recording;
        public UiThread Ui;
        /// <summary>The entry's task (null if the entry never ran).</summary>
        public Task Task;
        /// <summary>The UI loop stopped beating for longer than the deadline.</summary>
        public bool Watchdog;
        /// <summary>The run went on for longer than the hard cap (60 s).</summary>
        public bool TimedOut;
        /// <summary>Lab.Now when the run began and ended (its task ended, or the watchdog fired).</summary>
        public double Start, End;
        /// <summary>The longest time the UI loop did not get a turn, up to the end.</summary>
        public double MaxUiGapMs;
        /// <summary>Continuations left in the UI thread's queue when the watchdog fired.</summary>
        public int Stranded;
        /// <summary>Exceptions that escaped async void methods, with when (Stopwatch timestamps).</summary>
        public Exception[] Crashes;
        public long[] CrashTimestamps;
        /// <summary>completed, faulted, cancelled, crashed, deadlocked or timed-out.</summary>
        public string Outcome;
        /// <summary>What `await` on the entry's task threw, or the first crash.</summary>
        public Exception Error;
    }

    /// <summary>What a caller of Lab.Variant adds to a run (the twins' own figures).</summary>
    public sealed class VariantHooks
    {
        /// <summary>On the UI thread, before the entry is called.</summary>
        public Action<CancellationToken> Started;
        /// <summary>Where the entry's task ends, on the thread that ended it.</summary>
        public Action<Task> Ended;
        /// <summary>True when no work the variant started is still going on.</summary>
        public Func<bool> Quiet;
        /// <summary>Called about every millisecond while the variant runs.</summary>
        public Action Sample;
    }

    public static class Lab
    {
        static readonly long clockOrigin = Stopwatch.GetTimestamp();
        static readonly AsyncLocal<int> currentTask = new AsyncLocal<int>();
        // Which run and task first failed with each exception: where `await`,
        // a catch block or the finalizer later meets it.
        sealed class Origin { public Recording Run; public int Task; }
        static readonly ConditionalWeakTable<Exception, Origin> origins = new ConditionalWeakTable<Exception, Origin>();
        static int initialized;

        /// <summary>Every duration is divided by Speed (as `awaitscope run --speed X`).</summary>
        public static double Speed = 1;
        /// <summary>How long the UI loop may stay blocked before the watchdog gives up on the variant.</summary>
        public static int DeadlineMs = 5000;
        /// <summary>Where Save writes the trace: --trace FILE, else $AWAITSCOPE_TRACE.</summary>
        public static string TracePath = Environment.GetEnvironmentVariable("AWAITSCOPE_TRACE");
        /// <summary>The scenario the runs belong to (trace metadata), if any.</summary>
        public static string Scenario;

        /// <summary>Milliseconds since the process started, on the monotonic clock.</summary>
        public static double Now { get { return At(Stopwatch.GetTimestamp()); } }

        /// <summary>A Stopwatch.GetTimestamp() reading, in the milliseconds of Now.</summary>
        public static double At(long timestamp) { return (timestamp - clockOrigin) * 1000.0 / Stopwatch.Frequency; }

        /// <summary>ms milliseconds at the run's speed.</summary>
        public static TimeSpan Ms(double ms)
        {
            return TimeSpan.FromTicks((long) Math.Round(ms * TimeSpan.TicksPerMillisecond / Speed));
        }

        /// <summary>
        /// Reads --speed X, --deadline MS and --trace FILE from args and
        /// returns the arguments it did not know.
        /// </summary>
        public static string[] Init(string[] args)
        {
            var rest = new List<string>();
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                string v = i + 1 < args.Length ? args[i + 1] : null;
                if ((a == "--speed" || a == "--deadline" || a == "--trace") && v == null)
                    throw new ArgumentException(a + " needs a value");
                if (a == "--speed") { Speed = ParseSpeed(v); i++; }
                else if (a == "--deadline") { DeadlineMs = ParseDeadline(v); i++; }
                else if (a == "--trace") { TracePath = v; i++; }
                else if (a.StartsWith("--speed=")) Speed = ParseSpeed(a.Substring(8));
                else if (a.StartsWith("--deadline=")) DeadlineMs = ParseDeadline(a.Substring(11));
                else if (a.StartsWith("--trace=")) TracePath = a.Substring(8);
                else rest.Add(a);
            }
            Hook();
            return rest.ToArray();
        }

        static double ParseSpeed(string v)
        {
            double s;
            if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out s) || !(s > 0) || s > 1000)
                throw new ArgumentException("--speed " + v + ": give a number above 0, up to 1000");
            return s;
        }

        static int ParseDeadline(string v)
        {
            int d;
            if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out d) || d < 1 || d > 30000)
                throw new ArgumentException("--deadline " + v + ": give 1 to 30000 ms");
            return d;
        }

        static void Hook()
        {
            if (Interlocked.Exchange(ref initialized, 1) != 0) return;
            // An exception no code catches off the UI thread (async void with no
            // SynchronizationContext, a plain Thread) ends the process, as in .NET:
            // record it as the run's crash and save what was recorded first.
            AppDomain.CurrentDomain.UnhandledException += (sender, e) =>
            {
                var rec = Trace.Current;
                var x = e.ExceptionObject as Exception;
                if (rec != null && x != null)
                {
                    rec.Record("crash", OriginTask(x, rec), 0, x.Message +
                               ": unhandled on a thread with no SynchronizationContext: the process ends here");
                    rec.Record("run-end", 0, 0, "crashed: " + Described(x));
                }
                try { Save(); } catch (Exception) { }
            };
            // .NET reports a faulted task nobody observed when it is collected.
            TaskScheduler.UnobservedTaskException += (sender, e) =>
            {
                foreach (var inner in e.Exception.InnerExceptions)
                {
                    Origin o;
                    if (!origins.TryGetValue(inner, out o)) continue;
                    long end = o.Run.EndNs, now = o.Run.NowNs;
                    // Reported by the finalizer, maybe long after the run: drawn at its end.
                    o.Run.RecordAt(end >= 0 ? Math.Min(now, end) : now, "error-unobserved", o.Task, 0, 0,
                                   inner.Message + " (no code observed it: reported when its Task was garbage-collected)");
                }
            };
        }

        /// <summary>The innermost task recorded on this flow of execution, 0 for none.</summary>
        public static int CurrentTask { get { return currentTask.Value; } }

        static string Described(Exception e)
        {
            var agg = e as AggregateException;
            if (agg != null && agg.InnerExceptions.Count > 0)
            {
                var first = agg.InnerExceptions[0];
                return agg.InnerExceptions.Count == 1
                    ? "AggregateException: " + first.Message
                    : "AggregateException of " + agg.InnerExceptions.Count + "; the first: " + first.Message;
            }
            return e.Message;
        }

        static void Claim(Exception e, Recording rec, int task)
        {
            Origin o;
            if (rec == null || e == null || origins.TryGetValue(e, out o)) return;
            origins.Add(e, new Origin { Run = rec, Task = task });
        }

        /// <summary>The task of rec that first failed with e, 0 for none.</summary>
        public static int OriginTask(Exception e, Recording rec)
        {
            Origin o;
            return e != null && origins.TryGetValue(e, out o) && o.Run == rec ? o.Task : 0;
        }

        /// <summary>Records how task ended, on lane (or the calling thread's lane when negative).</summary>
        static void Ended(Recording rec, int id, Task task, int lane)
        {
            if (rec == null) return;
            if (lane < 0) lane = rec.CurrentLane;
            if (task.IsCanceled)
                rec.RecordOn(lane, "cancelled", id, 0, "The operation was cancelled");
            else if (task.IsFaulted)
            {
                // What `await` throws: the first of the task's exceptions.
                var e = task.Exception.InnerExceptions.Count > 0 ? task.Exception.InnerExceptions[0] : task.Exception;
                if (e is OperationCanceledException)
                    rec.RecordOn(lane, "cancelled", id, 0, e.Message);
                else
                {
                    Claim(e, rec, id);
                    rec.RecordOn(lane, "faulted", id, 0, Described(e));
                }
            }
            else
                rec.RecordOn(lane, "completed", id, 0, null);
        }

        static void WatchToken(Recording rec, CancellationToken token, int scope)
        {
            if (rec == null || !token.CanBeCanceled) return;
            token.Register(() => rec.CancelRequest(scope, "token cancelled"));
        }

        // ---- Workload primitives --------------------------------------------

        /// <summary>A wait of ms that holds no thread (a timer standing in for the network).</summary>
        public static Task Io(string name, double ms, CancellationToken token = default(CancellationToken))
        {
            return Io(name, ms, 0, token);
        }

        /// <summary>A wait of ms that holds no thread, then value.</summary>
        public static async Task<T> Io<T>(string name, double ms, T value, CancellationToken token = default(CancellationToken))
        {
            var wait = RecordedWait.Begin(name, token);
            await wait.Delay(ms, token).ConfigureAwait(false);
            if (wait.Rec != null) wait.Rec.RecordOn(wait.Lane, "completed", wait.Id, 0, null);
            return value;
        }

        /// <summary>Waits ms (holding no thread), then fails with error.</summary>
        public static Task Fail(string name, double ms, Exception error, CancellationToken token = default(CancellationToken))
        {
            return Fail<int>(name, ms, error, token);
        }

        public static async Task<T> Fail<T>(string name, double ms, Exception error, CancellationToken token = default(CancellationToken))
        {
            var wait = RecordedWait.Begin(name, token);
            await wait.Delay(ms, token).ConfigureAwait(false);
            if (wait.Rec != null)
            {
                Claim(error, wait.Rec, wait.Id);
                wait.Rec.RecordOn(wait.Lane, "faulted", wait.Id, 0, Described(error));
            }
            throw error;
        }

        /// <summary>A task that waits holding no thread (Io, Fail): created and
        /// waiting where it is called, cancelled where it began.</summary>
        sealed class RecordedWait
        {
            public Recording Rec;
            public int Id, Lane;

            public static RecordedWait Begin(string name, CancellationToken token)
            {
                var wait = new RecordedWait { Rec = Trace.Current };
                int parent = currentTask.Value;
                if (wait.Rec != null)
                {
                    wait.Id = wait.Rec.NewTask();
                    wait.Lane = wait.Rec.CurrentLane;
                    wait.Rec.RecordOn(wait.Lane, "created", wait.Id, parent, name);
                    wait.Rec.RecordOn(wait.Lane, "waiting", wait.Id, 0, null);
                    WatchToken(wait.Rec, token, parent);
                }
                return wait;
            }

            public async Task Delay(double ms, CancellationToken token)
            {
                try
                {
                    // Task.Delay counts whole milliseconds; 0 would complete synchronously.
                    var d = Ms(ms);
                    if (ms > 0 && d < TimeSpan.FromMilliseconds(1)) d = TimeSpan.FromMilliseconds(1);
                    await Task.Delay(d, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e)
                {
                    // The wait held no thread: it ends where it began.
                    if (Rec != null) Rec.RecordOn(Lane, "cancelled", Id, 0, e.Message);
                    throw;
                }
            }
        }

        [StructLayout(LayoutKind.Sequential)]
        struct Timespec { public long Sec; public long Nsec; }

        [DllImport("libc", EntryPoint = "clock_gettime")]
        static extern int clock_gettime(int clock, out Timespec ts);

        const int CLOCK_THREAD_CPUTIME_ID = 3;

        /// <summary>CPU time the calling thread has used, in ms.</summary>
        public static double ThreadCpuMs()
        {
            Timespec ts;
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, out ts);
            return ts.Sec * 1000.0 + ts.Nsec / 1e6;
        }

        static void Spin(double ms)
        {
            double until = ThreadCpuMs() + Ms(ms).TotalMilliseconds;
            while (ThreadCpuMs() < until) { }
        }

        /// <summary>
        /// ms of CPU time on the calling thread: a fixed amount of work, so
        /// more threads than cores make it take longer, as real work does.
        /// With a token it checks it every checkMs (cooperative cancellation).
        /// On the UI thread the loop gets no turn meanwhile: a freeze.
        /// </summary>
        public static void Compute(string name, double ms, CancellationToken token = default(CancellationToken), double checkMs = 10)
        {
            var rec = Trace.Current;
            int parent = currentTask.Value, id = 0, lane = 0;
            var ui = UiThread.CurrentUi;
            bool onUi = ui != null && ui.IsUiThread && rec != null && rec.UiThreadId == Thread.CurrentThread.ManagedThreadId;
            if (rec != null)
            {
                id = rec.NewTask();
                lane = rec.CurrentLane;
                rec.RecordOn(lane, "call", id, parent, name);
                rec.RecordOn(lane, "running", id, 0, null);
                if (onUi) rec.RecordOn(lane, "ui-block-begin", id, 0, null);
                WatchToken(rec, token, parent);
            }
            try
            {
                if (!token.CanBeCanceled) Spin(ms);
                else
                {
                    for (double done = 0; done < ms; done += checkMs)
                    {
                        if (token.IsCancellationRequested)
                        {
                            if (rec != null) rec.RecordOn(lane, "cancel-observed", id, 0, null);
                            token.ThrowIfCancellationRequested();
                        }
                        Spin(Math.Min(checkMs, ms - done));
                    }
                }
            }
            catch (OperationCanceledException e)
            {
                if (rec != null)
                {
                    if (onUi) rec.RecordOn(lane, "ui-block-end", id, 0, null);
                    rec.RecordOn(lane, "cancelled", id, 0, e.Message);
                }
                throw;
            }
            if (rec != null)
            {
                if (onUi) rec.RecordOn(lane, "ui-block-end", id, 0, null);
                rec.RecordOn(lane, "completed", id, 0, null);
            }
        }

        /// <summary>ms of CPU work on a pool thread (Task.Run): queued, then running there.</summary>
        public static Task Cpu(string name, double ms, CancellationToken token = default(CancellationToken))
        {
            return Cpu(name, ms, 0, token);
        }

        public static Task<T> Cpu<T>(string name, double ms, T value, CancellationToken token = default(CancellationToken))
        {
            var rec = Trace.Current;
            int parent = currentTask.Value, id = 0, lane = 0;
            if (rec != null)
            {
                id = rec.NewTask();
                lane = rec.CurrentLane;
                rec.Record("created", id, parent, name);
                rec.Record("queued", id, 0, null);
                WatchToken(rec, token, parent);
            }
            bool started = false;
            // With the token, as Task.Run(..., token): cancelled, the task ends Canceled, not Faulted.
            var task = Task.Run(() =>
            {
                Volatile.Write(ref started, true);
                if (rec != null) rec.Record("running", id, 0, null);
                try
                {
                    for (double done = 0; done < ms; done += 10)
                    {
                        if (token.IsCancellationRequested)
                        {
                            if (rec != null) rec.Record("cancel-observed", id, 0, null);
                            token.ThrowIfCancellationRequested();
                        }
                        Spin(Math.Min(10, ms - done));
                    }
                }
                catch (OperationCanceledException e)
                {
                    if (rec != null) rec.Record("cancelled", id, 0, e.Message);
                    throw;
                }
                if (rec != null) rec.Record("completed", id, 0, null);
                return value;
            }, token);
            if (rec != null)
                // Cancelled before a pool thread took it: Task.Run never calls the work.
                task.ContinueWith(_ => { if (!Volatile.Read(ref started)) rec.RecordOn(lane, "cancelled", id, 0, "The operation was cancelled before it started"); },
                                  CancellationToken.None, TaskContinuationOptions.OnlyOnCanceled | TaskContinuationOptions.ExecuteSynchronously,
                                  TaskScheduler.Default);
            return task;
        }

        /// <summary>Task.Run(action), recorded as a task named name: queued for the
        /// pool, then running on a pool thread until action returns.</summary>
        public static Task Queued(string name, Action action)
        {
            var rec = Trace.Current;
            int parent = currentTask.Value, id = 0;
            if (rec != null)
            {
                id = rec.NewTask();
                rec.Record("created", id, parent, name);
                rec.Record("queued", id, 0, null);
            }
            return Task.Run(() =>
            {
                if (rec != null) rec.Record("running", id, 0, null);
                action();
                if (rec != null) rec.Record("completed", id, 0, null);
            });
        }

        /// <summary>Task.FromResult(value), recorded as a task named name that is
        /// created complete: an await of it continues at once.</summary>
        public static Task<T> FromResult<T>(string name, T value)
        {
            var rec = Trace.Current;
            if (rec != null)
            {
                int id = rec.NewTask();
                rec.Record("created", id, currentTask.Value, name);
                rec.Record("completed", id, 0, null);
            }
            return Task.FromResult(value);
        }

        /// <summary>A call named name that returned its result at once, with no
        /// Task: recorded as a synchronous completion (a diamond, no bar).</summary>
        public static void Returned(string name)
        {
            var rec = Trace.Current;
            if (rec != null) rec.Record("sync-completed", rec.NewTask(), currentTask.Value, name);
        }

        /// <summary>Thread.Sleep(ms) on the UI thread: nothing else runs there meanwhile.</summary>
        public static void BlockUi(double ms)
        {
            var rec = Trace.Current;
            int parent = currentTask.Value, id = 0, lane = 0;
            bool onUi = rec != null && rec.UiThreadId == Thread.CurrentThread.ManagedThreadId;
            string name = "Thread.Sleep(" + ms.ToString("0.###", CultureInfo.InvariantCulture) + ")";
            if (rec != null)
            {
                id = rec.NewTask();
                lane = rec.CurrentLane;
                rec.RecordOn(lane, "call", id, parent, name);
                rec.RecordOn(lane, "running", id, 0, null);
                if (onUi) rec.RecordOn(lane, "ui-block-begin", id, 0, null);
            }
            Thread.Sleep(Ms(ms));
            if (rec != null)
            {
                if (onUi) rec.RecordOn(lane, "ui-block-end", id, 0, null);
                rec.RecordOn(lane, "completed", id, 0, null);
            }
        }

        // ---- Composition ---------------------------------------------------------

        /// <summary>
        /// Calls body (typically an async method) as a task named name: its
        /// start, its end, its outcome and the exception `await` on it
        /// throws are recorded, and tasks it starts have it as their parent.
        /// </summary>
        public static Task Run(string name, Func<Task> body)
        {
            var rec = Trace.Current;
            int parent = currentTask.Value, id = 0;
            if (rec != null)
            {
                id = rec.NewTask();
                rec.Record("created", id, parent, name);
                rec.Record("waiting", id, 0, null);
            }
            Task t;
            currentTask.Value = id != 0 ? id : parent;
            try { t = body() ?? Task.FromResult(0); }
            catch (Exception e) { t = Faulted<int>(e); }
            finally { currentTask.Value = parent; }
            if (rec != null)
                t.ContinueWith(done => Ended(rec, id, done, -1), CancellationToken.None,
                               TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return t;
        }

        public static Task<T> Run<T>(string name, Func<Task<T>> body)
        {
            Task<T> typed = null;
            Exception thrown = null;
            Run(name, () =>
            {
                try { return (Task) (typed = body()); }
                catch (Exception e) { thrown = e; throw; }
            });
            return typed ?? Faulted<T>(thrown ?? new InvalidOperationException(name + " returned no task"));
        }

        static Task<T> Faulted<T>(Exception e)
        {
            var tcs = new TaskCompletionSource<T>();
            if (e is OperationCanceledException) tcs.SetCanceled(); else tcs.SetException(e);
            return tcs.Task;
        }

        /// <summary>
        /// task.Result, recorded as a blocking wait: on the UI thread the
        /// loop is frozen until it returns, and if the task needs the UI
        /// thread to finish it never returns (the watchdog gives up).
        /// Errors come wrapped in an AggregateException, as .Result throws them.
        /// </summary>
        public static T Wait<T>(string name, Task<T> task)
        {
            T result = default(T);
            Wait(name, (Task) task);
            result = task.Result;
            return result;
        }

        public static void Wait(string name, Task task)
        {
            var rec = Trace.Current;
            int parent = currentTask.Value, id = 0, lane = 0;
            bool onUi = rec != null && rec.UiThreadId == Thread.CurrentThread.ManagedThreadId;
            if (rec != null)
            {
                id = rec.NewTask();
                lane = rec.CurrentLane;
                rec.RecordOn(lane, "call", id, parent, name);
                rec.RecordOn(lane, "running", id, 0, null);
                if (onUi) rec.RecordOn(lane, "ui-block-begin", id, 0, "blocking wait");
            }
            try { task.Wait(); }
            catch (AggregateException e)
            {
                if (rec != null)
                {
                    if (onUi) rec.RecordOn(lane, "ui-block-end", id, 0, null);
                    var inner = e.InnerExceptions.Count > 0 ? e.InnerExceptions[0] : e;
                    Origin o;
                    if (origins.TryGetValue(inner, out o) && o.Run == rec) rec.RecordOn(lane, "error-observed", o.Task, id, null);
                    Claim(e, rec, id);
                    rec.RecordOn(lane, "faulted", id, 0, Described(e));
                }
                throw;
            }
            if (rec != null)
            {
                if (onUi) rec.RecordOn(lane, "ui-block-end", id, 0, null);
                rec.RecordOn(lane, "completed", id, 0, null);
            }
        }

        /// <summary>A catch block saw e: the task that failed with it had its error observed.</summary>
        public static void Observed(Exception e)
        {
            var rec = Trace.Current;
            if (rec == null || e == null) return;
            var agg = e as AggregateException;
            foreach (var x in agg != null ? agg.InnerExceptions.ToArray() : new[] { e })
            {
                Origin o;
                if (origins.TryGetValue(x, out o) && o.Run == rec)
                    rec.Record("error-observed", o.Task, currentTask.Value, null);
            }
        }

        /// <summary>A free mark on the run's timeline.</summary>
        public static void Mark(string text)
        {
            var rec = Trace.Current;
            if (rec != null) rec.Record("mark", currentTask.Value, 0, text);
        }

        // ---- Runs ----------------------------------------------------------------

        /// <summary>
        /// Runs one variant on a UI thread of its own and records it. entry
        /// gets the token of the variant's Cancel button, pressed after
        /// cancelAfterMs (never if negative). A UI loop blocked for longer
        /// than DeadlineMs fires the watchdog: the variant ends there
        /// ("deadlocked"), its UI thread is left blocked (as .Result leaves
        /// it in C#), and the next variant gets a new one. The variant's root
        /// task is named rootName (as a lesson's GLib run names its
        /// program), else title, else name.
        /// </summary>
        public static VariantRun Variant(string name, Func<CancellationToken, Task> entry, double cancelAfterMs = -1,
                                         string title = null, VariantHooks hooks = null, string rootName = null)
        {
            Hook();
            hooks = hooks ?? new VariantHooks();
            var rec = Trace.Begin(name);
            if (title != null) rec.SetMetadata("variant_title", title);
            if (Scenario != null) rec.SetMetadata("scenario", Scenario);
            rec.SetMetadata("speed", Speed.ToString("0.###", CultureInfo.InvariantCulture));
            rec.SetMetadata("runtime", RuntimeName());
            rec.SetMetadata("workers", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture));
            var ui = new UiThread("UI: " + name);
            rec.UiThreadId = ui.ManagedThreadId;
            var user = new CancellationTokenSource();
            var box = new Task[1];
            var ended = new double[] { -1, -1 };   // Lab.Now at the end, the UI gap then
            long endedNs = -1;
            int root = rec.NewTask();
            var run = new VariantRun { Name = name, Recording = rec, Ui = ui };

            ui.Post(_ =>
            {
                ui.ResetGap();
                ui.Recording = rec;
                run.Start = Now;
                rec.Record("run-begin", 0, 0, name);
                rec.Record("created", root, 0, rootName ?? title ?? name);
                rec.Record("waiting", root, 0, null);
                user.Token.Register(() => rec.CancelRequest(root, "Cancel pressed after " +
                    cancelAfterMs.ToString("0.###", CultureInfo.InvariantCulture) + " ms"));
                if (cancelAfterMs >= 0) user.CancelAfter(Ms(cancelAfterMs));
                if (hooks.Started != null) hooks.Started(user.Token);
                Task t;
                currentTask.Value = root;
                try { t = entry(user.Token) ?? Task.FromResult(0); }
                catch (Exception e) { t = Faulted<int>(e); }
                finally { currentTask.Value = 0; }
                t.ContinueWith(done =>
                {
                    ended[0] = Now;
                    ended[1] = ui.LongestGapMs;
                    Ended(rec, root, done, 0);
                    endedNs = rec.NowNs;
                    if (hooks.Ended != null) hooks.Ended(done);
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                Volatile.Write(ref box[0], t);
            }, null);

            // The watchdog: this thread watches the UI loop's heartbeat.
            double hardCapMs = 60000, t0 = Now;
            while (true)
            {
                var t = Volatile.Read(ref box[0]);
                if (t != null && t.IsCompleted && Volatile.Read(ref ended[0]) >= 0) break;
                if (ui.MsSinceBeat > DeadlineMs) { run.Watchdog = true; break; }
                if (Now - t0 > hardCapMs) { run.TimedOut = true; break; }
                if (hooks.Sample != null) hooks.Sample();
                Thread.Sleep(1);
            }
            if (run.Start == 0) run.Start = t0;
            run.End = run.Watchdog || run.TimedOut ? Now : ended[0];
            run.MaxUiGapMs = run.Watchdog || run.TimedOut ? ui.LongestGapMs : ended[1];
            run.Stranded = run.Watchdog ? ui.Pending : 0;

            if (run.Watchdog || run.TimedOut)
                GiveUp(rec, ui, run, root);
            else
            {
                // Work the caller no longer waits for may still run: let it
                // finish, so that it is recorded (and does not run into the next variant).
                double quietSince = -1, giveUp = Now + 30000;
                while (Now < giveUp)
                {
                    if (hooks.Sample != null) hooks.Sample();
                    bool quiet = hooks.Quiet != null ? hooks.Quiet() : rec.OpenTasks.Length == 0;
                    if (quiet) { if (quietSince < 0) quietSince = Now; else if (Now - quietSince > 20) break; }
                    else quietSince = -1;
                    Thread.Sleep(1);
                }
                ui.Stop(5000);
            }

            run.Task = Volatile.Read(ref box[0]);
            run.Crashes = ui.Crashes;
            run.CrashTimestamps = ui.CrashTimestamps;
            if (run.Watchdog) run.Outcome = "deadlocked";
            else if (run.TimedOut) run.Outcome = "timed-out";
            else
            {
                try { run.Task.GetAwaiter().GetResult(); }
                catch (Exception e) { run.Error = e; }
                if (run.Crashes.Length > 0) run.Error = run.Crashes[0];
                run.Outcome = run.Crashes.Length > 0 ? "crashed"
                            : run.Error == null ? "completed" : run.Error is OperationCanceledException ? "cancelled" : "faulted";
                string text = run.Outcome == "crashed" || run.Outcome == "faulted"
                    ? run.Outcome + ": " + Described(run.Error) : run.Outcome;
                rec.RecordAt(endedNs, "run-end", 0, 0, 0, text);
            }
            Trace.Current = null;
            return run;
        }

        // The watchdog gave up: the UI thread stays blocked. Record what the
        // GLib run records when its watchdog breaks the wait: the freeze, the
        // watchdog, and every task still open ending deadlocked.
        static void GiveUp(Recording rec, UiThread ui, VariantRun run, int root)
        {
            long now = rec.NowNs;
            long lastBeat = now - (long) (ui.MsSinceBeat * 1e6);
            string after = (run.End - run.Start < 1000 ? string.Format(CultureInfo.InvariantCulture, "{0:0} ms", run.End - run.Start)
                            : string.Format(CultureInfo.InvariantCulture, "{0:0.00} s", (run.End - run.Start) / 1000));
            var open = rec.OpenTasks;
            int blocker = 0;
            foreach (var kv in open)
                if (kv.Key != root) blocker = kv.Key;   // the innermost open task
            // A .Result the lab did not see (not Lab.Wait): the freeze began at the last beat.
            if (!rec.UiBlocked) rec.RecordAt(Math.Max(lastBeat, rec.BeginNs), "ui-block-begin", blocker, 0, 0, null);
            string stranded = run.Stranded == 1 ? "; 1 continuation waits in its queue"
                            : run.Stranded > 1 ? "; " + run.Stranded + " continuations wait in its queue" : "";
            rec.RecordAt(now, "watchdog", blocker != 0 ? blocker : root, 0, 0,
                         "watchdog: the UI thread was blocked for " + after + stranded);
            rec.RecordAt(now, "ui-block-end", blocker, 0, 0, null);
            string why = run.TimedOut ? "the run did not end within 60 s"
                       : "a blocking wait blocked the UI thread that the task needed to finish: in C# it never returns; the watchdog gave up after " + after;
            foreach (var kv in open)
                rec.RecordAt(now, "deadlocked", kv.Key, 0, 0, why);
            rec.RecordAt(now, "run-end", 0, 0, 0, "deadlocked: " + why);
        }

        /// <summary>Writes every run so far to TracePath (if set).</summary>
        public static void Save()
        {
            if (!string.IsNullOrEmpty(TracePath)) Trace.Save(TracePath);
        }

        public static string RuntimeName()
        {
            var mono = Type.GetType("Mono.Runtime");
            if (mono == null) return ".NET " + Environment.Version;
            var m = mono.GetMethod("GetDisplayName",
                System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static);
            return "Mono " + (m != null ? m.Invoke(null, null) : Environment.Version.ToString());
        }
    }

    /// <summary>
    /// A UI thread: one thread, one message queue, and a SynchronizationContext
    /// that posts to that queue, as WinForms and WPF have. `await` on this
    /// thread captures the context, so the code after an await comes back to
    /// this thread as a message in its queue: exactly what makes `.Result`
    /// on a UI thread deadlock. The loop beats every time it gets a turn (at
    /// least every 10 ms when idle): the longest gap between two beats is the
    /// longest time the "UI" could not repaint or handle a click, and the
    /// beats are recorded as the run's heartbeat.
    /// </summary>
    public sealed class UiThread : SynchronizationContext
    {
        struct Message
        {
            public SendOrPostCallback Callback;
            public object State;
        }

        const int IdleBeatMs = 10;

        readonly BlockingCollection<Message> queue = new BlockingCollection<Message>();
        readonly Thread thread;
        readonly Stopwatch clock = Stopwatch.StartNew();
        long lastBeatTicks;          // Stopwatch ticks, read by the watchdog thread
        long maxGapTicks;
        int turns;                   // messages dispatched so far
        int operations;              // async void methods started and not yet finished
        TaskCompletionSource<bool> handlerDone;
        int crashesBeforeHandler;
        readonly List<Exception> crashes = new List<Exception>();
        readonly List<long> crashTimestamps = new List<long>();

        /// <summary>Where the heartbeat and crashes are recorded (set by Lab.Variant).</summary>
        public volatile Recording Recording;

        public UiThread(string name)
        {
            thread = new Thread(Loop);
            thread.IsBackground = true;   // a deadlocked UI thread must not keep the process alive
            thread.Name = name;
            Interlocked.Exchange(ref lastBeatTicks, clock.ElapsedTicks);
            thread.Start();
        }

        /// <summary>The UI thread the caller runs on, or null.</summary>
        public static UiThread CurrentUi { get { return SynchronizationContext.Current as UiThread; } }

        public bool IsUiThread { get { return Thread.CurrentThread == thread; } }
        public int ManagedThreadId { get { return thread.ManagedThreadId; } }

        /// <summary>Messages dispatched so far: an await that did not change it continued synchronously.</summary>
        public int Turns { get { return Volatile.Read(ref turns); } }

        /// <summary>Messages waiting in the queue (after a deadlock: the stranded continuations).</summary>
        public int Pending { get { return queue.Count; } }

        public double MsSinceBeat
        {
            get { return TicksToMs(clock.ElapsedTicks - Interlocked.Read(ref lastBeatTicks)); }
        }

        /// <summary>The longest time between two turns of the loop, the current one included.</summary>
        public double LongestGapMs
        {
            get { return Math.Max(TicksToMs(Interlocked.Read(ref maxGapTicks)), MsSinceBeat); }
        }

        /// <summary>Exceptions that escaped a message: in a real UI app each one ends the process.</summary>
        public Exception[] Crashes { get { lock (crashes) return crashes.ToArray(); } }

        /// <summary>When each crash happened (Stopwatch.GetTimestamp()), in the order of Crashes.</summary>
        public long[] CrashTimestamps { get { lock (crashes) return crashTimestamps.ToArray(); } }

        public void ResetGap()
        {
            Interlocked.Exchange(ref lastBeatTicks, clock.ElapsedTicks);
            Interlocked.Exchange(ref maxGapTicks, 0);
        }

        public override void Post(SendOrPostCallback d, object state)
        {
            queue.Add(new Message { Callback = d, State = state });
        }

        public override void Send(SendOrPostCallback d, object state)
        {
            if (IsUiThread) { d(state); return; }
            using (var done = new ManualResetEventSlim())
            {
                Post(s => { try { d(s); } finally { done.Set(); } }, state);
                done.Wait();
            }
        }

        public override SynchronizationContext CreateCopy() { return this; }

        // An `async void` method calls these when it starts and when it ends.
        public override void OperationStarted() { Interlocked.Increment(ref operations); }

        public override void OperationCompleted()
        {
            // Posted, so that an exception the method posted before ending
            // (async void rethrows on the context) is dispatched first.
            if (Interlocked.Decrement(ref operations) == 0)
                Post(_ => CheckHandlerDone(), null);
        }

        /// <summary>
        /// Calls an event handler (typically `async void`) on this thread and
        /// returns a task that ends when every async void operation it started
        /// has ended: faulted if an exception escaped it (a crash in a real app).
        /// </summary>
        public Task RunHandler(Action handler)
        {
            if (!IsUiThread) throw new InvalidOperationException("RunHandler runs on the UI thread");
            handlerDone = new TaskCompletionSource<bool>();
            lock (crashes) crashesBeforeHandler = crashes.Count;
            handler();
            if (Volatile.Read(ref operations) == 0)
                Post(_ => CheckHandlerDone(), null);
            return handlerDone.Task;
        }

        void CheckHandlerDone()
        {
            if (handlerDone == null || Volatile.Read(ref operations) != 0) return;
            var done = handlerDone;
            handlerDone = null;
            Exception crash = null;
            lock (crashes)
                if (crashes.Count > crashesBeforeHandler) crash = crashes[crashesBeforeHandler];
            if (crash != null) done.SetException(crash); else done.SetResult(true);
        }

        /// <summary>Ends the loop after the messages already queued; waits for it.</summary>
        public bool Stop(int timeoutMs)
        {
            queue.Add(new Message());
            return thread.Join(timeoutMs);
        }

        void Loop()
        {
            SynchronizationContext.SetSynchronizationContext(this);
            Beat();
            while (true)
            {
                Message m;
                bool got = queue.TryTake(out m, IdleBeatMs);
                Beat();
                if (!got) continue;
                if (m.Callback == null) break;
                Interlocked.Increment(ref turns);
                try { m.Callback(m.State); }
                catch (Exception e)
                {
                    long now = Stopwatch.GetTimestamp();
                    lock (crashes) { crashes.Add(e); crashTimestamps.Add(now); }
                    var rec = Recording;
                    if (rec != null)
                        rec.RecordAt(rec.ToNs(now), "crash", Lab.OriginTask(e, rec), 0, 0, e.Message +
                                     ": the exception escaped an async void method and was rethrown on the UI thread: the app ends here");
                }
                Beat();
            }
        }

        void Beat()
        {
            long now = clock.ElapsedTicks;
            long gap = now - Interlocked.Read(ref lastBeatTicks);
            if (gap > Interlocked.Read(ref maxGapTicks)) Interlocked.Exchange(ref maxGapTicks, gap);
            Interlocked.Exchange(ref lastBeatTicks, now);
            var rec = Recording;
            if (rec != null) rec.Frame(rec.NowNs - (long) (TicksToMs(gap) * 1e6));
        }

        static double TicksToMs(long ticks) { return ticks * 1000.0 / Stopwatch.Frequency; }
    }
}
