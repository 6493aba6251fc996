Console.WriteLine("Polycloud quick start");
