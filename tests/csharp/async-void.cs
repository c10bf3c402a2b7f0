// C# twin of data/scenarios/async-void.json: an exception escaping an async
// void method, called directly or hidden in List<T>.ForEach(async d => ...),
// against an async Task method awaited inside try/catch. The // <lesson>
// region is the C# the app shows.
//
// Each variant runs on a UiThread, whose SynchronizationContext is where an
// async void method's exception goes: the method's builder posts it to the
// context that was current when the method started, and it is thrown there,
// on the UI thread's loop. WinForms and WPF end the app there; the UiThread
// records it (Lab reports the variant "crashed", with crash_ms, when it was
// thrown) and runs on, so the twin also sees what the handler did next.
//
// The probe "no-context-ends-process" runs the same async void method in a
// child process that has no SynchronizationContext (a console app): Mono
// throws the exception on a pool thread, and the process ends.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Awaitscope;
using static Lab;

class Draft
{
    public readonly double UploadMs;
    public readonly bool DiskFull;
    public Draft(double uploadMs, bool diskFull = false) { UploadMs = uploadMs; DiskFull = diskFull; }
}

static class AsyncVoidTwin
{
    static readonly Draft draft = new Draft(300, diskFull: true);
    static readonly List<Draft> drafts = new List<Draft> { new Draft(200), new Draft(300, diskFull: true), new Draft(500) };
    static int uploading;

    static async Task UploadAsync(Draft d)
    {
        Interlocked.Increment(ref uploading);
        try
        {
            if (d.DiskFull) await Fail(d.UploadMs, new IOException("disk full")).ConfigureAwait(false);
            else await Io(d.UploadMs).ConfigureAwait(false);
        }
        finally { Interlocked.Decrement(ref uploading); }
    }

    static Task ShowToastAsync(string text)
    {
        // How many uploads were still going when the toast said they were done.
        Rec.Set("uploads_pending_at_toast", Volatile.Read(ref uploading));
        return Io(800);
    }

    static void ShowError(string text) { }

    // <lesson>
    // async void: nothing can await it; its exception goes to the UI thread
    static async void SaveDraft(Draft d)
    {
        await UploadAsync(d);                           // IOException at 0.3 s
    }

    static async void OnSaveClicked(object sender, EventArgs e)
    {
        SaveDraft(draft);                               // returns at its await
        await ShowToastAsync("Saved");
    }

    // List<T>.ForEach takes an Action<T>: the async lambda is async void
    static async void OnSaveAllClicked(object sender, EventArgs e)
    {
        drafts.ForEach(async d => { await UploadAsync(d); });   // nothing waits
        await ShowToastAsync("All saved");                       // shown at once
    }

    // async Task: the exception travels in the task, to the await
    static async Task SaveDraftAsync(Draft d)
    {
        await UploadAsync(d);
    }

    static async void OnSaveClickedFixed(object sender, EventArgs e)
    {
        try
        {
            await SaveDraftAsync(draft);
            await ShowToastAsync("Saved");
        }
        catch (IOException ex) { Log(ex); ShowError("Could not save: " + ex.Message); }
    }
    // </lesson>

    // The child process of the probe: a console app, no SynchronizationContext.
    static int ConsoleApp()
    {
        SaveDraft(draft);
        Console.Out.WriteLine("SaveDraft returned");
        Console.Out.Flush();
        Thread.Sleep(Ms(2000));
        Console.Out.WriteLine("still running after 2 s");
        return 0;
    }

    static JObj RunConsoleApp()
    {
        string self = typeof(AsyncVoidTwin).Assembly.Location;
        string mono = Process.GetCurrentProcess().MainModule.FileName;
        var info = new ProcessStartInfo(mono, "\"" + self + "\" --console-app --speed " + Speed.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using (var p = Process.Start(info))
        {
            var stderr = p.StandardError.ReadToEndAsync();
            string stdout = p.StandardOutput.ReadToEnd();
            bool exited = p.WaitForExit(30000);
            if (!exited) p.Kill();
            string err = stderr.Result;
            return new JObj {
                { "synchronization_context", "none (a console app)" },
                { "returned_at_once", stdout.Contains("SaveDraft returned") },
                { "ran_to_its_end", stdout.Contains("still running") },
                { "process_ended", exited && p.ExitCode != 0 },
                { "exit_code", exited ? (object) p.ExitCode : null },
                { "unhandled_exception", err.Contains("Unhandled Exception") && err.Contains("System.IO.IOException: disk full") },
            };
        }
    }

    static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--console-app")
        {
            Speed = double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
            Environment.Exit(ConsoleApp());
        }
        Start("async-void", args);
        Variant("async-void", _ => Click(() => OnSaveClicked(null, EventArgs.Empty)), root: "OnSaveClicked");
        Variant("foreach", _ => Click(() => OnSaveAllClicked(null, EventArgs.Empty)), root: "OnSaveAllClicked");
        Variant("async-task", _ => Click(() => OnSaveClickedFixed(null, EventArgs.Empty)), root: "OnSaveClicked");
        Probe("no-context-ends-process", RunConsoleApp());
        Finish();
    }
}
