// C# twin of data/scenarios/when-all-failures.json: three checkout steps with
// WhenAll, two of which fail. The // <lesson> region is the C# the app shows.
//
// Figures: errors_caught (what the code saw), tasks_failed, errors_swallowed
// (failed steps whose error no code saw: the ones `await` did not rethrow),
// errors_unobserved (TaskScheduler.UnobservedTaskException after a forced
// collection: none, because awaiting WhenAll observes every inner exception).
using System;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

static class WhenAllFailuresTwin
{
    static Task ChargeCardAsync() { return Fail(300, new InvalidOperationException("card declined")); }
    static Task ReserveStockAsync() { return Fail(500, new InvalidOperationException("out of stock")); }
    static Task SendReceiptAsync() { return Io(700); }

    // <lesson>
    // await rethrows one exception: the first in argument order
    static async Task CheckoutAsync()
    {
        Task all = Task.WhenAll(ChargeCardAsync(), ReserveStockAsync(), SendReceiptAsync());
        try { await all; }
        catch (Exception first) { Log(first); }          // "card declined" only
    }

    // The WhenAll task's Exception holds every error
    static async Task CheckoutReportingAllAsync()
    {
        Task all = Task.WhenAll(ChargeCardAsync(), ReserveStockAsync(), SendReceiptAsync());
        try { await all; }
        catch when (all.IsFaulted)                       // not if only cancelled: then Exception is null
        { foreach (var e in all.Exception.InnerExceptions) Log(e); }         // both
    }
    // </lesson>

    static void Main(string[] args)
    {
        Start("when-all-failures", args);
        Variant("await", _ => CheckoutAsync(), root: "await Task.WhenAll(...)");
        Variant("aggregate", _ => CheckoutReportingAllAsync(), root: "all.Exception.InnerExceptions");

        // .Wait() (and .Result) wrap the errors in an AggregateException;
        // await throws the first inner exception itself.
        Exception waited = null;
        try { Task.WhenAll(ChargeCardAsync(), ReserveStockAsync(), SendReceiptAsync()).Wait(); }
        catch (Exception e) { waited = e; }
        Probe("wait-aggregate", new JObj { { "exception", Describe(waited) } });

        // The first error in argument order, not in time: B fails first.
        Exception awaited = null;
        try
        {
            Task.Run(async () => await Task.WhenAll(
                Fail(500, new InvalidOperationException("A (argument 1, fails at 500 ms)")),
                Fail(100, new InvalidOperationException("B (argument 2, fails at 100 ms)")))).Wait();
        }
        catch (AggregateException e) { awaited = e.InnerException; }
        Probe("await-rethrows-argument-order", new JObj { { "exception", Describe(awaited) } });
        Finish();
    }
}
