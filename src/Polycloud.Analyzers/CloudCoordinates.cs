using System;

namespace Polycloud.Analyzers
{
    /// <summary>A cloud coordinate found in a string.</summary>
    internal readonly struct CloudCoordinate
    {
        public CloudCoordinate(string provider, string kind, string text)
        {
            Provider = provider;
            Kind = kind;
            Text = text;
        }

        public string Provider { get; }

        public string Kind { get; }

        public string Text { get; }
    }

    /// <summary>
    /// Recognises hard-coded cloud coordinates: ARNs (and the account IDs in them), provider endpoint host names,
    /// <c>s3://</c> / <c>gs://</c> / <c>wasbs://</c> / <c>abfss://</c> URLs, Azure resource IDs and storage connection strings,
    /// Google resource names. Plain ordinal scanning, no regular expressions, no allocation for strings that do not match.
    /// </summary>
    internal static class CloudCoordinates
    {
        private static readonly char[] Colon = { ':' };

        private static readonly (string Suffix, string Provider, string Kind)[] Hosts =
        {
            (".amazonaws.com", NativeApiCatalog.Aws, "AWS endpoint"),
            (".amazonaws.com.cn", NativeApiCatalog.Aws, "AWS endpoint"),
            (".blob.core.windows.net", NativeApiCatalog.Azure, "Azure Blob Storage endpoint"),
            (".queue.core.windows.net", NativeApiCatalog.Azure, "Azure Queue Storage endpoint"),
            (".table.core.windows.net", NativeApiCatalog.Azure, "Azure Table Storage endpoint"),
            (".file.core.windows.net", NativeApiCatalog.Azure, "Azure Files endpoint"),
            (".dfs.core.windows.net", NativeApiCatalog.Azure, "Azure Data Lake endpoint"),
            (".servicebus.windows.net", NativeApiCatalog.Azure, "Azure Service Bus endpoint"),
            (".vault.azure.net", NativeApiCatalog.Azure, "Azure Key Vault endpoint"),
            (".database.windows.net", NativeApiCatalog.Azure, "Azure SQL endpoint"),
            (".documents.azure.com", NativeApiCatalog.Azure, "Azure Cosmos DB endpoint"),
            (".azurewebsites.net", NativeApiCatalog.Azure, "Azure App Service endpoint"),
            ("storage.googleapis.com", NativeApiCatalog.Google, "Google Cloud Storage endpoint"),
            (".googleapis.com", NativeApiCatalog.Google, "Google Cloud endpoint"),
            (".cloudfunctions.net", NativeApiCatalog.Google, "Google Cloud Functions endpoint"),
            (".run.app", NativeApiCatalog.Google, "Google Cloud Run endpoint"),
        };

        private static readonly (string Scheme, string Provider, string Kind)[] Schemes =
        {
            ("s3://", NativeApiCatalog.Aws, "S3 bucket URL"),
            ("s3a://", NativeApiCatalog.Aws, "S3 bucket URL"),
            ("gs://", NativeApiCatalog.Google, "Cloud Storage bucket URL"),
            ("wasb://", NativeApiCatalog.Azure, "Azure Storage URL"),
            ("wasbs://", NativeApiCatalog.Azure, "Azure Storage URL"),
            ("abfs://", NativeApiCatalog.Azure, "Azure Data Lake URL"),
            ("abfss://", NativeApiCatalog.Azure, "Azure Data Lake URL"),
            ("azblob://", NativeApiCatalog.Azure, "Azure Blob Storage URL"),
        };

        /// <summary>Finds the first cloud coordinate in <paramref name="value"/>, if any.</summary>
        public static CloudCoordinate? Find(string value)
        {
            if (value.Length < 5)
            {
                return null;
            }

            var arn = value.IndexOf("arn:aws", StringComparison.Ordinal);
            if (arn >= 0 && (arn == 0 || !char.IsLetterOrDigit(value[arn - 1])))
            {
                var found = FindArn(value, arn);
                if (found != null)
                {
                    return found;
                }
            }

            foreach (var (scheme, provider, kind) in Schemes)
            {
                var index = value.IndexOf(scheme, StringComparison.OrdinalIgnoreCase);
                if (index >= 0 && (index == 0 || !char.IsLetterOrDigit(value[index - 1])) && index + scheme.Length < value.Length)
                {
                    return new CloudCoordinate(provider, kind, Token(value, index));
                }
            }

            if (value.IndexOf('.') >= 0)
            {
                foreach (var (suffix, provider, kind) in Hosts)
                {
                    var index = value.IndexOf(suffix, StringComparison.OrdinalIgnoreCase);
                    if (index < 0)
                    {
                        continue;
                    }

                    var end = index + suffix.Length;
                    if (end < value.Length && (char.IsLetterOrDigit(value[end]) || value[end] == '-'))
                    {
                        continue; // "x.amazonaws.community" is not an AWS host
                    }

                    var start = index;
                    while (start > 0 && IsHostChar(value[start - 1]))
                    {
                        start--;
                    }

                    if (start == index && suffix[0] == '.')
                    {
                        continue; // ".amazonaws.com" alone (a suffix constant) names no resource
                    }

                    return new CloudCoordinate(provider, kind, value.Substring(start, end - start));
                }
            }

            var subscriptions = value.IndexOf("/subscriptions/", StringComparison.OrdinalIgnoreCase);
            if (subscriptions >= 0 && value.IndexOf("/resourceGroups/", subscriptions, StringComparison.OrdinalIgnoreCase) > subscriptions)
            {
                return new CloudCoordinate(NativeApiCatalog.Azure, "Azure resource ID", Token(value, subscriptions));
            }

            if (value.IndexOf("AccountName=", StringComparison.OrdinalIgnoreCase) >= 0
                && value.IndexOf("AccountKey=", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return new CloudCoordinate(NativeApiCatalog.Azure, "Azure Storage connection string", "AccountName=…");
            }

            var projects = value.IndexOf("projects/", StringComparison.Ordinal);
            if (projects >= 0 && (projects == 0 || value[projects - 1] == '/')
                && (value.IndexOf("/topics/", projects, StringComparison.Ordinal) > 0
                    || value.IndexOf("/subscriptions/", projects, StringComparison.Ordinal) > 0
                    || value.IndexOf("/locations/", projects, StringComparison.Ordinal) > 0))
            {
                return new CloudCoordinate(NativeApiCatalog.Google, "Google Cloud resource name", Token(value, projects));
            }

            return null;
        }

        private static CloudCoordinate? FindArn(string value, int start)
        {
            // arn:partition:service:region:account-id:resource
            var token = Token(value, start);
            var parts = token.Split(Colon, 6);
            if (parts.Length < 6 || (parts[1] != "aws" && parts[1] != "aws-cn" && parts[1] != "aws-us-gov") || parts[2].Length == 0)
            {
                return null;
            }

            var account = parts[4];
            if (account.Length == 12 && IsDigits(account))
            {
                return new CloudCoordinate(NativeApiCatalog.Aws, "AWS ARN with account ID " + account, token);
            }

            return new CloudCoordinate(NativeApiCatalog.Aws, "AWS ARN", token);
        }

        private static string Token(string value, int start)
        {
            var end = start;
            while (end < value.Length && !char.IsWhiteSpace(value[end]) && value[end] != '"' && value[end] != '\'' && value[end] != ',' && value[end] != ';')
            {
                end++;
            }

            var token = value.Substring(start, end - start);
            return token.Length > 80 ? token.Substring(0, 77) + "..." : token;
        }

        private static bool IsHostChar(char c) => char.IsLetterOrDigit(c) || c == '-' || c == '.';

        private static bool IsDigits(string s)
        {
            foreach (var c in s)
            {
                if (c < '0' || c > '9')
                {
                    return false;
                }
            }

            return true;
        }
    }
}
