Console.WriteLine("polycloud: no commands yet");
