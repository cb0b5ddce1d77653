CREATE TABLE [dbo].[orders] (id int IDENTITY(1,1), note NVARCHAR(MAX))
GO
