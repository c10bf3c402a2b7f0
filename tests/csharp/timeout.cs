// C# twin of data/scenarios/timeout.json: a quote request with a one-second
// CancelAfter deadline that answers in 0.5 s or 2.5 s. The // <lesson> region
// is the C# the app shows; Ms(1000) is 1000 ms at the run's speed.
using System;
using System.Threading;
using System.Threading.Tasks;
using static Lab;

class Quote { }

// Stands in for HttpClient (GetStringAsync(string, CancellationToken) is .NET 5's).
class Http
{
    public double AnswerMs;
    public Task<string> GetStringAsync(string url, CancellationToken token)
    {
        return Io(AnswerMs, "{\"price\": 42}", token);
    }
}

static class TimeoutTwin
{
    const string QuoteUrl = "https://quotes.example/price";
    static readonly Http _http = new Http();
    static Quote Parse(string json) { Cpu(200); return new Quote(); }
    static void Show(Quote quote) { }
    static void ShowMessage(string text) { }

    // <lesson>
    static async Task ShowQuoteAsync()
    {
        using (var cts = new CancellationTokenSource())
        {
            cts.CancelAfter(Ms(1000));               // the whole operation gets 1 s
            try
            {
                string json = await _http.GetStringAsync(QuoteUrl, cts.Token);
                Quote quote = await Task.Run(() => Parse(json), cts.Token);
                Show(quote);
            }
            catch (OperationCanceledException ex)
            {
                Log(ex);
                ShowMessage("The quote service is slow, please try again later.");
            }
        }
    }
    // </lesson>

    static void Main(string[] args)
    {
        Start("timeout", args);
        Variant("fits", _ => { _http.AnswerMs = 500; return ShowQuoteAsync(); }, root: "CancelAfter(1 s)");
        Variant("too-slow", _ => { _http.AnswerMs = 2500; return ShowQuoteAsync(); }, root: "CancelAfter(1 s)");
        Finish();
    }
}
