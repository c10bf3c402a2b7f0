// C# twin of data/scenarios/needless-async.json: 10,000 trivial calls, plain
// or wrapped in Task.FromResult and awaited. The // <lesson> region is the C#
// the app shows.
//
// Figures: tasks_allocated (one Task per wrapped call); sync_completed (awaits
// of an already completed task, which continue at once); loop_hops (awaits
// that went through the UI thread's queue: none, in C#). In C# the wrapper
// costs an allocation per call, not a trip through the loop.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Awaitscope;
using static Lab;

static class NeedlessAsyncTwin
{
    // The lesson's code is recorded as it is written: each variant puts a
    // culture on the UI thread whose number format every price.ToString("C")
    // asks for, once, and records that call as the GLib run records the
    // variant's: a plain call that returned (a diamond), or the
    // Task.FromResult it is wrapped in (a task created complete).
    sealed class RecordingCulture : CultureInfo
    {
        readonly Action formatting;
        public RecordingCulture(string name, Action formatting) : base(name) { this.formatting = formatting; }

        public override object GetFormat(Type formatType)
        {
            if (formatType == typeof(NumberFormatInfo)) formatting();
            return base.GetFormat(formatType);
        }
    }

    static void Recording(Action formatting, Action body)
    {
        var thread = Thread.CurrentThread;
        var culture = thread.CurrentCulture;
        thread.CurrentCulture = new RecordingCulture(culture.Name, formatting);
        try { body(); }
        finally { thread.CurrentCulture = culture; }
    }

    // <lesson>
    // Adds nothing: no await inside, yet a Task per call
    static Task<string> FormatPriceAsync(decimal price) =>
        Task.FromResult(price.ToString("C"));

    static async Task FillLabelsAsync(decimal[] prices, List<string> labels)
    {
        foreach (var p in prices)
            labels.Add(await FormatPriceAsync(p));   // complete: continues at once
    }

    // Plain: just a method call
    static string FormatPrice(decimal price) => price.ToString("C");

    static void FillLabels(decimal[] prices, List<string> labels)
    {
        foreach (var p in prices)
            labels.Add(FormatPrice(p));
    }
    // </lesson>

    static readonly decimal[] prices = Enumerable.Range(0, 10000).Select(i => 1m + i / 100m).ToArray();

    static Task Direct()
    {
        Recording(() => Awaitscope.Lab.Returned("FormatPrice() (plain call)"),
                  () => FillLabels(prices, new List<string>()));
        Count("sync_completed", prices.Length);
        Count("tasks_allocated", 0);
        Count("loop_hops", 0);
        return Task.CompletedTask;
    }

    static async Task Wrapped()
    {
        var ui = UiThread.CurrentUi;
        int turns = ui.Turns;
        Task fill = null;
        Recording(() => Awaitscope.Lab.FromResult("await FormatPriceAsync() (Task.FromResult)", 0),
                  () => { fill = FillLabelsAsync(prices, new List<string>()); });
        bool ranThrough = fill.IsCompleted;     // every await continued synchronously
        await fill;
        Count("tasks_allocated", prices.Length);   // Task.FromResult allocates each time
        Count("loop_hops", ui.Turns - turns);
        Count("sync_completed", ranThrough ? prices.Length : 0);
    }

    static void Main(string[] args)
    {
        Start("needless-async", args);
        // Compile both paths before measuring them.
        FillLabels(prices.Take(100).ToArray(), new List<string>());
        FillLabelsAsync(prices.Take(100).ToArray(), new List<string>()).Wait();
        Variant("direct", _ => Direct(), root: "10,000 x FormatPrice()");
        Variant("async-wrapper", _ => Wrapped(), root: "10,000 x await FormatPriceAsync()");
        Finish();
    }
}
