// C# twin of data/scenarios/completion-source.json: a callback API wrapped in
// a TaskCompletionSource, three fetches answered after 0.1, 0.2 and 0.3 s,
// each followed by a 400 ms parse; the TaskCompletionSource made without
// options (SetResult runs the continuation inline, on the library's callback
// thread) or with RunContinuationsAsynchronously (SetResult queues it to the
// pool). The // <lesson> region is the C# the app shows; Parse is Ms(400) of
// CPU time at the run's speed.
//
// LegacyClient stands in for the library: one callback thread of its own (not
// a pool thread) delivers the answers in due order, one after another, so a
// callback that is due waits while an earlier one still runs. The run records
// where each parse ran (parses_on_callback_thread, parses_on_pool_threads,
// parses_elsewhere) and how late each callback started after its due time
// (callback_late_ms in A, B, C order, max_callback_late_ms; real ms).
//
// The probes show what SetResult does with an awaiting continuation, each
// SetResult called from a thread of its own (not a pool thread):
//   set-result-inline      no option, awaited with ConfigureAwait(false)
//   set-result-run-async   RunContinuationsAsynchronously, likewise
//   ui-context-inline      no option, awaited on a UiThread (context captured)
//   ui-context-run-async   the option, awaited on a UiThread
//   setter-has-context     no option, ConfigureAwait(false), but SetResult
//                          called on a UiThread: the setter's own context
// Each records whether the continuation ran on the setter's thread, on a pool
// thread or on the UI thread, whether it had finished when SetResult returned,
// and whether SetResult returned while it ran (the continuation waits up to
// 300 ms for the setter to say it has returned: if it ran inside SetResult,
// that never comes).
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Awaitscope;
using static Lab;

static class CompletionSourceTwin
{
    /// <summary>
    /// The library: answers each fetch after 100/200/300 scenario ms ("A",
    /// "B", "C") on its one callback thread, in due order, one at a time.
    /// </summary>
    sealed class LegacyClient : ILegacyClient
    {
        sealed class Pending
        {
            public double Due, Start;
            public long Seq;
            public string Url;
            public Action<string> OnDone;
            public Recorder Rec;
        }

        static readonly Dictionary<string, double> AnswerMs = new Dictionary<string, double> {
            { "A", 100 }, { "B", 200 }, { "C", 300 },
        };

        [ThreadStatic] static bool onCallbackThread;
        public static bool OnCallbackThread { get { return onCallbackThread; } }

        readonly object gate = new object();
        readonly List<Pending> pending = new List<Pending>();
        readonly Dictionary<string, double> late = new Dictionary<string, double>();
        readonly Thread thread;
        long seq;
        bool stopping;

        public LegacyClient()
        {
            thread = new Thread(Loop);
            thread.IsBackground = true;
            thread.Name = "legacy callbacks";
            thread.Start();
        }

        public void BeginFetch(string url, Action<string> onDone)
        {
            var rec = Rec;
            double start = Now;
            rec.IoStarted();
            lock (gate)
            {
                pending.Add(new Pending {
                    Due = start + Ms(AnswerMs[url]).TotalMilliseconds, Start = start,
                    Seq = seq++, Url = url, OnDone = onDone, Rec = rec,
                });
                Monitor.PulseAll(gate);
            }
        }

        /// <summary>Ends the callback thread once it has delivered every answer.</summary>
        public void Stop()
        {
            lock (gate) { stopping = true; Monitor.PulseAll(gate); }
            thread.Join(5000);
        }

        void Loop()
        {
            onCallbackThread = true;
            while (true)
            {
                Pending next = null;
                lock (gate)
                {
                    while (next == null)
                    {
                        if (pending.Count == 0)
                        {
                            if (stopping) return;
                            Monitor.Wait(gate);
                            continue;
                        }
                        var first = pending.OrderBy(p => p.Due).ThenBy(p => p.Seq).First();
                        double wait = first.Due - Now;
                        if (wait <= 0) { pending.Remove(first); next = first; }
                        else Monitor.Wait(gate, (int) Math.Ceiling(wait));
                    }
                }
                // The callback starts: how long after its answer was due.
                var rec = next.Rec;
                lock (late)
                {
                    late[next.Url] = Now - next.Due;
                    rec.Set("callback_late_ms", new[] { "A", "B", "C" }
                        .Select(u => late.ContainsKey(u) ? (object) late[u] : null).ToList());
                    rec.Set("max_callback_late_ms", late.Values.Max());
                }
                rec.Touch();                     // the library's thread runs the callback
                rec.IoEnded(next.Start, false);
                next.OnDone("data of " + next.Url);
            }
        }
    }

    static void Parse(string data)
    {
        if (LegacyClient.OnCallbackThread) Count("parses_on_callback_thread");
        else if (Thread.CurrentThread.IsThreadPoolThread) Count("parses_on_pool_threads");
        else Count("parses_elsewhere");
        Cpu(400);
    }

    // <lesson>
    // A callback API: onDone runs on the library's one callback thread,
    // one callback after another (an event loop, a native library)
    interface ILegacyClient
    {
        void BeginFetch(string url, Action<string> onDone);
    }

    // The bridge: a Task that the callback completes
    static Task<string> FetchAsync(ILegacyClient client, string url, TaskCreationOptions options)
    {
        var tcs = new TaskCompletionSource<string>(options);
        client.BeginFetch(url, data => tcs.SetResult(data));   // on the callback thread
        return tcs.Task;
    }

    // No SynchronizationContext to go back to: ConfigureAwait(false), as in a
    // library, a console app or ASP.NET Core
    static async Task ProcessAsync(ILegacyClient client, string url, TaskCreationOptions options)
    {
        string data = await FetchAsync(client, url, options).ConfigureAwait(false);
        Parse(data);                                 // 400 ms of CPU work: on which thread?
    }

    // Inline: SetResult runs the continuation, Parse and all, on the callback
    // thread before it returns; the library's next callback waits for it
    static Task InlineAsync(ILegacyClient client) =>
        Task.WhenAll(ProcessAsync(client, "A", TaskCreationOptions.None),
                     ProcessAsync(client, "B", TaskCreationOptions.None),
                     ProcessAsync(client, "C", TaskCreationOptions.None));

    // Queued: SetResult queues the continuation to the thread pool and returns
    static Task QueuedAsync(ILegacyClient client) =>
        Task.WhenAll(ProcessAsync(client, "A", TaskCreationOptions.RunContinuationsAsynchronously),
                     ProcessAsync(client, "B", TaskCreationOptions.RunContinuationsAsynchronously),
                     ProcessAsync(client, "C", TaskCreationOptions.RunContinuationsAsynchronously));
    // </lesson>

    static void Run(string name, Func<ILegacyClient, Task> entry, string root)
    {
        var client = new LegacyClient();
        Variant(name, _ =>
        {
            Rec.Set("parses_on_callback_thread", 0);
            Rec.Set("parses_on_pool_threads", 0);
            Rec.Set("parses_elsewhere", 0);
            return entry(client);
        }, root: root);
        client.Stop();
    }

    // ---- Probes: where SetResult runs the continuation ---------------------

    sealed class Seen
    {
        public Thread Setter;
        public UiThread Ui;
        public Task Awaiting;
        public readonly ManualResetEventSlim Returned = new ManualResetEventSlim();
        public readonly ManualResetEventSlim Finished = new ManualResetEventSlim();
        public volatile bool Done;
        public bool OnSetter, OnPool, OnUi, ReturnedWhileRunning, DoneAtReturn, SetterHasContext;

        /// <summary>The continuation: where it runs, and whether SetResult returns meanwhile.</summary>
        public void Continued()
        {
            OnSetter = Thread.CurrentThread == Setter;
            OnPool = Thread.CurrentThread.IsThreadPoolThread;
            OnUi = Ui != null && Ui.IsUiThread;
            ReturnedWhileRunning = Returned.Wait(300);
            Done = true;
            Finished.Set();
        }
    }

    static async Task AwaitAnywhere(Task<string> task, Seen seen)
    {
        await task.ConfigureAwait(false);
        seen.Continued();
    }

    static async Task AwaitOnContext(Task<string> task, Seen seen)
    {
        await task;                                  // captures the UiThread's context
        seen.Continued();
    }

    static void SetResultProbe(string name, TaskCreationOptions options, bool awaitOnUi, bool setOnUi)
    {
        var tcs = new TaskCompletionSource<string>(options);
        var seen = new Seen();
        UiThread awaitUi = null, setUi = null;
        if (awaitOnUi)
        {
            OnUiThread(() => { seen.Ui = UiThread.CurrentUi; seen.Awaiting = AwaitOnContext(tcs.Task, seen); return Task.FromResult(0); },
                       out awaitUi).Wait();
        }
        else
        {
            var prior = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(null);
            try { seen.Awaiting = AwaitAnywhere(tcs.Task, seen); }
            finally { SynchronizationContext.SetSynchronizationContext(prior); }
        }

        Action set = () =>
        {
            seen.Setter = Thread.CurrentThread;
            seen.SetterHasContext = SynchronizationContext.Current != null;
            tcs.SetResult("data");
            seen.DoneAtReturn = seen.Done;
            seen.Returned.Set();
        };
        if (setOnUi)
            OnUiThread(() => { set(); return Task.FromResult(0); }, out setUi).Wait();
        else
        {
            var setter = new Thread(() => set());
            setter.IsBackground = true;
            setter.Start();
            setter.Join();
        }
        bool ran = seen.Finished.Wait(5000);
        if (awaitUi != null) awaitUi.Stop(1000);
        if (setUi != null) setUi.Stop(1000);
        Probe(name, new JObj {
            { "continuation_ran", ran },
            { "setter_has_context", seen.SetterHasContext },
            { "on_setter_thread", seen.OnSetter },
            { "on_pool_thread", seen.OnPool },
            { "on_ui_thread", seen.OnUi },
            { "done_when_set_result_returned", seen.DoneAtReturn },
            { "set_result_returned_while_it_ran", seen.ReturnedWhileRunning },
        });
    }

    static void Main(string[] args)
    {
        Start("completion-source", args);
        Run("inline", InlineAsync, "await InlineAsync(client)");
        Run("queued", QueuedAsync, "await QueuedAsync(client)");
        SetResultProbe("set-result-inline", TaskCreationOptions.None, false, false);
        SetResultProbe("set-result-run-async", TaskCreationOptions.RunContinuationsAsynchronously, false, false);
        SetResultProbe("ui-context-inline", TaskCreationOptions.None, true, false);
        SetResultProbe("ui-context-run-async", TaskCreationOptions.RunContinuationsAsynchronously, true, false);
        SetResultProbe("setter-has-context", TaskCreationOptions.None, false, true);
        Finish();
    }
}
