global using Polycloud;
global using Polycloud.Billing;
global using Xunit;
