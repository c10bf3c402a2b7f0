// C# twin of data/scenarios/progress.json: a Start button runs ten 200 ms
// steps of CPU work and reports its progress through IProgress<int> to a
// progress bar: on the UI thread (the reports wait until the loop is done),
// with Task.Run (each report is posted to the UI thread as the work goes),
// and with Task.Run and a Cancel button pressed after 0.9 s (the token is
// checked at each report). The // <lesson> region is the C# the app shows;
// ComputeStep is Ms(200) of CPU time at the run's speed.
//
// The bar records every report it is given: how many (reports), when the
// first and the last ran (first_report_ms, last_report_ms, since the click),
// the value it was left at (bar_value) and how many ran anywhere but on the
// UI thread (reports_off_ui_thread). The probe console-progress makes a
// Progress<int> where there is no SynchronizationContext (a console app):
// its handler then runs on the thread pool.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Awaitscope;
using static Lab;

/// <summary>Stands in for a WinForms/WPF ProgressBar: records each value it is given.</summary>
class ProgressBar
{
    int value;

    public int Value
    {
        get { return value; }
        set
        {
            var rec = Rec;
            double at = rec.Since(Now);
            this.value = value;
            rec.Count("reports");
            if (!(UiThread.CurrentUi != null && UiThread.CurrentUi.IsUiThread)) rec.Count("reports_off_ui_thread");
            lock (this)
            {
                if (firstMs < 0) firstMs = at;
                lastMs = at;
            }
            rec.Set("first_report_ms", firstMs);
            rec.Set("last_report_ms", lastMs);
            rec.Set("bar_value", value);
        }
    }

    double firstMs = -1, lastMs = -1;
    public void Reset() { lock (this) { value = 0; firstMs = lastMs = -1; } }
}

class Label { public string Text = ""; }

static class ProgressTwin
{
    static readonly ProgressBar bar = new ProgressBar();
    static readonly Label status = new Label();

    static void ComputeStep() { Cpu(200); }

    // <lesson>
    // The work: ten steps of 200 ms, a report after each but the last
    static void Compute(IProgress<int> progress, CancellationToken token)
    {
        for (int step = 1; step < 10; step++)
        {
            ComputeStep();                           // 200 ms of CPU work
            progress.Report(step * 10);              // 10%, 20%, ... 90%
            token.ThrowIfCancellationRequested();    // Cancel is seen at a report
        }
        ComputeStep();                               // the last step: then "Done"
    }

    // Frozen: the loop runs on the UI thread; the reports it posts wait for it
    static void OnStartClickedBlocking(object sender, EventArgs e)
    {
        var progress = new Progress<int>(percent => bar.Value = percent);
        Compute(progress, CancellationToken.None);   // 2 s: no repaint, no clicks
        status.Text = "Done";                        // then 10% ... 90% at once
    }

    // Responsive: Task.Run moves the loop to a pool thread; each report is
    // posted to the UI thread, where the Progress<int> was made
    static CancellationTokenSource cts;

    static async void OnStartClicked(object sender, EventArgs e)
    {
        using (var source = new CancellationTokenSource())
        {
            cts = source;
            var token = source.Token;
            var progress = new Progress<int>(percent => bar.Value = percent);
            try
            {
                await Task.Run(() => Compute(progress, token), token);
                status.Text = "Done";
            }
            catch (OperationCanceledException ex)
            {
                Log(ex);
                status.Text = "Cancelled";
            }
            finally
            {
                cts = null;
            }
        }
    }

    static void OnCancelClicked(object sender, EventArgs e)
    {
        cts?.Cancel();
    }
    // </lesson>

    /// <summary>A click on Start, and with cancelAfter the user's click on Cancel.</summary>
    static Func<CancellationToken, Task> Clicked(Action handler)
    {
        return user =>
        {
            bar.Reset();
            status.Text = "";
            Rec.Set("reports", 0);
            Rec.Set("reports_off_ui_thread", 0);
            user.Register(() => OnCancelClicked(null, EventArgs.Empty));
            return Click(handler);
        };
    }

    /// <summary>
    /// A console app has no SynchronizationContext: a Progress<int> made
    /// there posts its reports to the thread pool, so the handler runs on
    /// pool threads, not on the thread that made it.
    /// </summary>
    static void ConsoleProgress()
    {
        var prior = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            int maker = Thread.CurrentThread.ManagedThreadId;
            var threads = new List<int>();
            var all = new CountdownEvent(5);
            var progress = new Progress<int>(p => { lock (threads) threads.Add(Thread.CurrentThread.ManagedThreadId); all.Signal(); });
            IProgress<int> report = progress;
            for (int i = 1; i <= 5; i++) report.Report(i * 20);
            bool done = all.Wait(5000);
            var p2 = new JObj();
            p2.Add("handlers_ran", threads.Count);
            p2.Add("all_ran", done);
            p2.Add("on_creating_thread", threads.Any(t => t == maker));
            p2.Add("on_pool_threads", done && threads.All(t => t != maker));
            Probe("console-progress", p2);
        }
        finally { SynchronizationContext.SetSynchronizationContext(prior); }
    }

    static void Main(string[] args)
    {
        Start("progress", args);
        Variant("on-ui-thread", Clicked(() => OnStartClickedBlocking(null, EventArgs.Empty)), root: "OnStartClickedBlocking");
        Variant("task-run", Clicked(() => OnStartClicked(null, EventArgs.Empty)), root: "OnStartClicked (async)");
        // The Cancel button is pressed 0.9 s after Start.
        Variant("cancel", Clicked(() => OnStartClicked(null, EventArgs.Empty)), 900, root: "OnStartClicked (async)");
        ConsoleProgress();
        Finish();
    }
}
