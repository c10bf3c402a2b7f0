// C# twin of data/scenarios/result-vs-await.json: a Task<decimal> whose
// request fails with HttpRequestException, awaited, read with .Result, and
// read with .GetAwaiter().GetResult(), each inside the same try/catch. The
// // <lesson> region is the C# the app shows.
//
// GetPriceAsync is library code, with ConfigureAwait(false) on its await:
// its end does not need the UI thread, so blocking on it there does not
// deadlock (deadlock.cs shows what happens without it); the UI thread is
// blocked meanwhile.
//
// Probes: the exception .Wait() throws, with the message Mono gives it (the
// engine writes the same text: AGGREGATE_WAIT in src/core/aw-interp.c); a
// plain Task's .Wait() wraps the same way; a faulted task's Exception
// property is an AggregateException even where await throws what is inside.
using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

// Stands in for System.Net.Http's, which Debian's mono-mcs does not bring.
class HttpRequestException : Exception
{
    public HttpRequestException(string message) : base(message) { }
}

// Stands in for HttpClient: the price service answers with an error after 0.4 s.
class Http
{
    public Task<string> GetStringAsync(string url)
    {
        return Fail<string>(400, new HttpRequestException("price service unavailable"));
    }
}

class Tile
{
    public string Text;
    public Task ShowAsync(string text) { Text = text; return Io(200); }
}

static class ResultVsAwaitTwin
{
    static readonly Http http = new Http();
    static readonly Tile tile = new Tile();
    const string url = "https://example.com/price/MSFT";

    // <lesson>
    // Task<decimal> completes with a price, or with an exception.
    // Library code: ConfigureAwait(false) on every await down the chain,
    // so blocking on it does not deadlock
    static async Task<decimal> GetPriceAsync()
    {
        string json = await http.GetStringAsync(url).ConfigureAwait(false);
        return decimal.Parse(json, CultureInfo.InvariantCulture);
    }

    // A Task completes with nothing, or with an exception
    static async Task RefreshAsync()
    {
        string text;
        try { text = (await GetPriceAsync()).ToString("C"); }     // HttpRequestException
        catch (HttpRequestException ex) { Log(ex); text = "price unavailable"; }
        await tile.ShowAsync(text);
    }

    static async Task RefreshBlockingAsync()
    {
        string text;
        try { text = GetPriceAsync().Result.ToString("C"); }      // AggregateException
        catch (HttpRequestException ex) { Log(ex); text = "price unavailable"; }   // no match
        await tile.ShowAsync(text);
    }

    static async Task RefreshGetResultAsync()
    {
        string text;
        try { text = GetPriceAsync().GetAwaiter().GetResult().ToString("C"); }   // HttpRequestException
        catch (HttpRequestException ex) { Log(ex); text = "price unavailable"; }
        await tile.ShowAsync(text);
    }
    // </lesson>

    static JObj Thrown(Action wait)
    {
        Exception thrown = null;
        try { wait(); }
        catch (Exception e) { thrown = e; }
        return new JObj { { "exception", thrown == null ? null : Describe(thrown) } };
    }

    static void Main(string[] args)
    {
        Start("result-vs-await", args);
        Variant("await", _ => RefreshAsync(), root: "RefreshAsync()");
        Variant("result", _ => RefreshBlockingAsync(), root: "RefreshBlockingAsync()");
        Variant("get-result", _ => RefreshGetResultAsync(), root: "RefreshGetResultAsync()");

        // Off the UI thread (Main has no SynchronizationContext).
        Probe("wait-on-task-of-t", Thrown(() => GetPriceAsync().Wait()));
        Probe("wait-on-task", Thrown(() => Fail(100, new HttpRequestException("quote not saved")).Wait()));
        Probe("get-result", Thrown(() => GetPriceAsync().GetAwaiter().GetResult()));
        Task<decimal> failed = GetPriceAsync();
        ((IAsyncResult) failed).AsyncWaitHandle.WaitOne();
        Probe("exception-property", new JObj { { "exception", Describe(failed.Exception) } });
        Finish();
    }
}
